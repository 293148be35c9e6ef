import { quote } from "@promptreg/core";
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  parseDocument,
  Scalar,
} from "yaml";
import { LIMITS } from "./limits.js";
import { PROBLEM_CODES, type ProblemCode } from "./problem-codes.js";
import { ProblemList } from "./problem-list.js";
import type { MessageSourcePosition, PathSegment, Problem } from "./types.js";
import { findTooDeep } from "./value-depth.js";

export type { PathSegment } from "./types.js";

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

/** The yaml lexer's own markers, which are not source text. */
const LEXER_CONTROL = new Set(["\x02", "\x18", "\x1f"]);

/**
 * Where the nesting of `text` first exceeds `maxDepth`, estimated from the lexer's tokens alone (flow brackets,
 * and block levels by column), or undefined. yaml composes collections recursively: thousands of levels make it slow
 * and end in a stack overflow, whose handling can take the process down, so such files never reach it. The estimate
 * counts a scalar at the end of a line as one more level, so it is at most one above the real depth.
 */
function findExcessiveNesting(text: string, maxDepth: number): number | undefined {
  let offset = 0;
  let lineStart = 0;
  let flow = 0;
  const columns: number[] = [];
  for (const token of new Lexer().lex(text)) {
    if (LEXER_CONTROL.has(token)) continue;
    const start = offset;
    offset += token.length;
    const newline = token.lastIndexOf("\n");
    const first = token[0];
    if (first === "[" || first === "{") {
      flow++;
      if (columns.length + flow > maxDepth) return start;
    } else if (first === "]" || first === "}") {
      flow = Math.max(0, flow - 1);
    } else if (flow === 0 && (token === "---" || token === "...")) {
      columns.length = 0;
    } else if (flow === 0 && first !== undefined && !" \t\r\n#%:,&!*".includes(first)) {
      // A block sequence item, an explicit key or a scalar opens a level at its column; anything at or left of a
      // level's column closes it.
      const column = start - lineStart;
      while (columns.length > 0 && columns[columns.length - 1]! >= column) columns.pop();
      columns.push(column);
      if (columns.length > maxDepth) return start;
    }
    if (newline !== -1) lineStart = start + newline + 1;
  }
  return undefined;
}

/** The tags of YAML's JSON-compatible core schema; any other tag produces a value JSON cannot carry. */
const CORE_TAGS = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((name) => `tag:yaml.org,2002:${name}`),
);

/** Where the tag in front of a value starts (the value's own offset when the tag cannot be found). */
function tagStart(text: string, valueStart: number): number {
  let end = valueStart - 1;
  while (end >= 0 && /\s/.test(text[end]!)) end--;
  let start = end;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  return text[start] === "!" ? start : valueStart;
}

interface NodeFinding {
  offset: number;
  code: ProblemCode;
  message: string;
}

/**
 * Checks every node of the document, iteratively: duplicate keys (by the key's string form, as they become object
 * keys; yaml's own check compares every pair of keys of a mapping), tags outside the core schema, numbers JSON cannot
 * hold, non-scalar keys and the key "__proto__". Everything that loads is then plain JSON, so `build` writes a
 * bundle that means (and hashes) the same.
 */
function inspectNodes(document: Document, text: string): NodeFinding[] {
  const findings: NodeFinding[] = [];
  const stack: unknown[] = [document.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || node === undefined || isAlias(node)) continue;
    const { tag, range } = node as Node;
    const offset = range?.[0] ?? 0;
    if (tag !== undefined && !CORE_TAGS.has(tag)) {
      findings.push({
        offset: tagStart(text, offset),
        code: PROBLEM_CODES.YAML_UNSUPPORTED_TAG,
        message: `The YAML tag ${quote(tag.replace("tag:yaml.org,2002:", "!!"))} makes a value JSON cannot hold (binary, timestamps, sets and ordered maps would change the value or its hash). Remove the tag and write a plain string, number, list or mapping.`,
      });
      continue;
    }
    if (isScalar(node)) {
      if (typeof node.value === "number" && !Number.isFinite(node.value)) {
        findings.push({
          offset,
          code: PROBLEM_CODES.YAML_NOT_JSON,
          message: `${text.slice(offset, range?.[1] ?? offset)} is not a finite number, which JSON cannot hold. Quote it to make it a string, or write a finite number.`,
        });
      }
    } else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const keyOffset = (pair.key as Node | null)?.range?.[0] ?? offset;
        if (pair.key !== null && !isScalar(pair.key)) {
          findings.push({
            offset: keyOffset,
            code: PROBLEM_CODES.YAML_NOT_JSON,
            message:
              "A key must be a string (JSON objects have string keys); this one is a list or a mapping.",
          });
        } else {
          const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
          if (key === "__proto__") {
            findings.push({
              offset: keyOffset,
              code: PROBLEM_CODES.YAML_NOT_JSON,
              message:
                'The key "__proto__" cannot be used: JavaScript objects treat it as their prototype, so its value would be lost. Rename it.',
            });
          } else if (seen.has(key)) {
            findings.push({
              offset: keyOffset,
              code: PROBLEM_CODES.YAML_DUPLICATE_KEY,
              message: `Duplicate key ${quote(key)} in a YAML mapping: each key may appear once; remove or rename the repeated one.`,
            });
          }
          seen.add(key);
          stack.push(pair.key);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
  }
  return findings.sort((a, b) => a.offset - b.offset);
}

function nestingProblem(
  file: string,
  position: { line: number; column: number },
): Problem & { code: ProblemCode } {
  return {
    file,
    ...position,
    code: PROBLEM_CODES.NESTING_TOO_DEEP,
    message: `Mappings and lists are nested more than ${LIMITS.maxNestingDepth} levels deep here (the limit, LIMITS.maxNestingDepth). Flatten the structure.`,
    severity: "error",
  };
}

/**
 * Parses one YAML file keeping positions. Duplicate keys, syntax errors, excessive nesting and alias bombs become
 * problems (all of them, each with its line and column) instead of exceptions.
 */
export function parseYamlSource({ text, file }: { text: string; file: string }): ParsedYaml {
  const lineCounter = new LineCounter();
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  // One level of slack for the estimate; the exact check on the value below reports the real limit.
  const tooDeepAt = findExcessiveNesting(text, LIMITS.maxNestingDepth + 1);
  if (tooDeepAt !== undefined) {
    const lines = text.slice(0, tooDeepAt).split("\n");
    return {
      ok: false,
      problems: [nestingProblem(file, { line: lines.length, column: lines[lines.length - 1]!.length + 1 })],
    };
  }
  // uniqueKeys is checked below in linear time: yaml's own check compares every pair of keys of a mapping.
  // YAML 1.2 with the core schema, whatever %YAML directive the file has: no 1.1 timestamps, yes/no or octals.
  const document = parseDocument(text, {
    lineCounter,
    uniqueKeys: false,
    prettyErrors: false,
    version: "1.2",
    schema: "core",
  });
  const list = new ProblemList(file);
  const findings = [
    ...document.errors.map((error) => ({ error, severity: "error" as const })),
    // An unknown tag is reported below as an error, with its position.
    ...document.warnings
      .filter((warning) => warning.code !== "TAG_RESOLVE_FAILED")
      .map((error) => ({ error, severity: "warning" as const })),
  ];
  for (const { error, severity } of findings) {
    list.add(
      error.code === "RESOURCE_EXHAUSTION"
        ? nestingProblem(file, position(error.pos[0]))
        : {
            ...position(error.pos[0]),
            code: PROBLEM_CODES.YAML_SYNTAX,
            message:
              `YAML ${severity === "error" ? "syntax error" : "warning"}: ${error.message.split("\n")[0]} (${error.code}). ` +
              'Check indentation and quote values that contain ": " or start with "{", "[", "*", "&" or "!".',
            severity,
          },
    );
  }
  const directive = document.directives?.yaml;
  if (directive?.explicit && directive.version !== "1.2") {
    list.add({
      line: 1,
      column: 1,
      code: PROBLEM_CODES.YAML_NOT_JSON,
      message: `promptreg reads YAML 1.2 (its JSON-compatible core schema), not ${directive.version}: remove the %YAML directive. In 1.2, yes and no are strings and 0755 is the number 755.`,
    });
  }
  for (const finding of inspectNodes(document, text)) {
    list.add({ ...position(finding.offset), code: finding.code, message: finding.message });
  }
  const problems = list.finish();
  if (problems.some((problem) => problem.severity === "error")) return { ok: false, problems };
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: LIMITS.maxAliasCount });
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
          message: `YAML aliases expand too much (more than ${LIMITS.maxAliasCount} alias uses, or a resource-exhaustion pattern): ${
            error instanceof Error ? error.message : String(error)
          }. Write the values out instead of using anchors and aliases.`,
          severity: "error",
        },
      ],
    };
  }
  const locator = createLocator(document, lineCounter, text);
  // Aliases can nest a value deeper than the text does.
  const tooDeep = findTooDeep(value, LIMITS.maxNestingDepth);
  if (tooDeep) return { ok: false, problems: [...problems, nestingProblem(file, locator.locate(tooDeep))] };
  return { ok: true, value, locator, problems };
}
