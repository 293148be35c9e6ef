import type { PathSegment } from "./types.js";

/**
 * The path of the first array or object nested deeper than `maxDepth` (the root collection is depth 1), or
 * undefined. Iterative, so it answers for values of any depth without touching the stack.
 */
export function findTooDeep(value: unknown, maxDepth: number): PathSegment[] | undefined {
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (path.length >= maxDepth) return path;
    const entries: [PathSegment, unknown][] = Array.isArray(node)
      ? node.map((item, index) => [index, item])
      : Object.entries(node);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [segment, child] = entries[index]!;
      if (child !== null && typeof child === "object") stack.push({ value: child, path: [...path, segment] });
    }
  }
  return undefined;
}
