import { type PathSegment, parseYamlSource, type SourceLocator } from "@promptreg/registry";

export interface Position {
  line: number;
  column: number;
}

/** Finds where a path of a template file sits in its YAML text; 1:1 when the text is unknown. */
export type PositionFinder = (
  file: string,
  path: readonly PathSegment[],
  /** `key`: the key itself rather than its value; `text`: where a string value's text starts (after `|`). */
  options?: { key?: boolean; text?: boolean },
) => Position;

/**
 * A `PositionFinder` over template texts (path relative to the template root -> YAML). Each file is parsed once,
 * on first use. Normalised schema paths are mapped back to the file's keys, so `properties.note` finds the
 * shorthand key `note?`.
 */
export function createPositionFinder(sources: ReadonlyMap<string, string> | undefined): PositionFinder {
  const parsed = new Map<string, { value: unknown; locator: SourceLocator } | undefined>();
  return (file, path, options = {}) => {
    if (!parsed.has(file)) {
      const text = sources?.get(file);
      const result = text === undefined ? undefined : parseYamlSource({ text, file });
      parsed.set(file, result?.ok ? { value: result.value, locator: result.locator } : undefined);
    }
    const entry = parsed.get(file);
    if (!entry) return { line: 1, column: 1 };
    const raw = rawPath(entry.value, path);
    const text = options.text ? entry.locator.locateText(raw) : undefined;
    return text
      ? { line: text.line, column: text.column }
      : entry.locator.locate(raw, { key: options.key ?? false });
  };
}

function rawPath(root: unknown, path: readonly PathSegment[]): PathSegment[] {
  const result: PathSegment[] = [];
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return [...result, segment];
    const record = node as Record<string, unknown>;
    const key =
      typeof segment === "string" && !Object.hasOwn(record, segment) && Object.hasOwn(record, `${segment}?`)
        ? `${segment}?`
        : segment;
    result.push(key);
    node = record[key as string];
  }
  return result;
}
