import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar } from "yaml";
import { PROBLEM_CODES } from "./problem-codes.js";
import type { MessageSourcePosition, Problem } from "./types.js";

/** Aliases allowed per file; far above what a template needs, far below what an alias bomb needs. */
export const MAX_ALIAS_COUNT = 100;

export type PathSegment = string | number;

/** Maps a path inside the parsed value back to a 1-based line and column of the YAML source. */
export interface SourceLocator {
  /**
   * `within`: a character offset inside the string value at `path`; for block literals (`|`) the position of
   * that character is returned, otherwise the start of the value (on the same line for one-line values).
   */
  locate(
    path: readonly PathSegment[],
    options?: { key?: boolean; within?: number },
  ): { line: number; column: number };
  /**
   * Where the text of the string value at `path` starts (see `MessageSourcePosition.verbatim`); for a `|` block
   * literal, the first content line and its indentation. Undefined when the locator has no positions.
   */
  locateText(path: readonly PathSegment[]): MessageSourcePosition | undefined;
}

/** For definitions that do not come from YAML (bundles): every position is 1:1. */
export const noLocator: SourceLocator = {
  locate: () => ({ line: 1, column: 1 }),
  locateText: () => undefined,
};

export type ParsedYaml =
  | { ok: true; value: unknown; locator: SourceLocator; problems: Problem[] }
  | { ok: false; problems: Problem[] };

function nodeChild(node: unknown, segment: PathSegment): { key?: Node; value?: unknown } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(key) === String(segment)) return { key: pair.key as Node, value: pair.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

function createLocator(document: Document, lineCounter: LineCounter, text: string): SourceLocator {
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // Walk as deep as the path exists in the source; a missing key points at its parent object.
  const walk = (path: readonly PathSegment[]) => {
    let node: unknown = document.contents;
    let keyNode: Node | undefined;
    let complete = true;
    for (const segment of path) {
      const child = nodeChild(node, segment);
      if (!child) {
        complete = false;
        break;
      }
      keyNode = child.key;
      node = child.value;
    }
    return { node, keyNode, complete };
  };
  return {
    locateText(path) {
      const { node, complete } = walk(path);
      if (!complete || !isScalar(node) || !node.range) return undefined;
      const start = position(node.range[0]);
      if (node.type !== Scalar.BLOCK_LITERAL) {
        const source = text.slice(node.range[0], node.range[1]);
        const value = String(node.value);
        if (value.includes("\n")) return { ...start, verbatim: false };
        if (node.type === Scalar.PLAIN && source === value) return { ...start, verbatim: true };
        const quote =
          node.type === Scalar.QUOTE_DOUBLE ? '"' : node.type === Scalar.QUOTE_SINGLE ? "'" : undefined;
        if (quote && source === `${quote}${value}${quote}`) {
          return { line: start.line, column: start.column + 1, verbatim: true };
        }
        return { ...start, verbatim: false };
      }
      // The header (`|`, `|-`, `|+`) is on start.line; the text starts on the next line. Its indentation is
      // that of the first non-blank content line (leading blank lines are part of the text, line for line).
      const contentStart = lineCounter.lineStarts[start.line];
      if (contentStart === undefined) return { ...start, verbatim: false };
      const indent = text.slice(contentStart).match(/^(?:[ \t]*\r?\n)*( *)/)?.[1]?.length ?? 0;
      return { line: start.line + 1, column: indent + 1, verbatim: true };
    },
    locate(path, { key = false, within } = {}) {
      const { node, keyNode } = walk(path);
      const target = key && keyNode ? keyNode : (node as Node | null | undefined);
      const offset = target?.range?.[0] ?? keyNode?.range?.[0] ?? document.contents?.range?.[0] ?? 0;
      const start = position(offset);
      if (within === undefined || key || !isScalar(target) || typeof target.value !== "string") return start;
      const before = target.value.slice(0, within);
      const lineIndex = before.split("\n").length - 1;
      if (target.type === Scalar.BLOCK_LITERAL) {
        // Content starts on the line after the `|` header, indented like the first content line.
        const firstLine = lineCounter.lineStarts[start.line] ?? offset;
        const contentStart = lineCounter.lineStarts[start.line + lineIndex];
        if (contentStart === undefined) return start;
        const indent = text.slice(firstLine).match(/^ */)?.[0].length ?? 0;
        const column = before.length - (before.lastIndexOf("\n") + 1);
        return { line: start.line + 1 + lineIndex, column: indent + column + 1 };
      }
      return start;
    },
  };
}

/**
 * Parses one YAML file keeping positions. Duplicate keys, syntax errors and alias bombs become problems
 * (all of them, each with its line and column) instead of exceptions.
 */
export function parseYamlSource({ text, file }: { text: string; file: string }): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems: Problem[] = [];
  const findings = [
    ...document.errors.map((error) => ({ error, severity: "error" as const })),
    ...document.warnings.map((error) => ({ error, severity: "warning" as const })),
  ];
  for (const { error, severity } of findings) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const duplicate = error.code === "DUPLICATE_KEY";
    problems.push({
      file,
      line,
      column: col,
      code: duplicate ? PROBLEM_CODES.YAML_DUPLICATE_KEY : PROBLEM_CODES.YAML_SYNTAX,
      message: duplicate
        ? "Duplicate key in a YAML mapping: each key may appear once; remove or rename the repeated one."
        : `YAML ${severity === "error" ? "syntax error" : "warning"}: ${error.message.split("\n")[0]} (${error.code}). ` +
          'Check indentation and quote values that contain ": " or start with "{", "[", "*", "&" or "!".',
      severity,
    });
  }
  if (problems.some((problem) => problem.severity === "error")) return { ok: false, problems };
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return {
      ok: false,
      problems: [
        ...problems,
        {
          file,
          line: 1,
          column: 1,
          code: PROBLEM_CODES.YAML_ALIAS_LIMIT,
          message: `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} alias uses, or a resource-exhaustion pattern): ${
            error instanceof Error ? error.message : String(error)
          }. Write the values out instead of using anchors and aliases.`,
          severity: "error",
        },
      ],
    };
  }
  return { ok: true, value, locator: createLocator(document, lineCounter, text), problems };
}
