import type { PathSegment } from "./types.js";

/**
 * The path of the first array or object nested deeper than `maxDepth` (the root collection is depth 1), or
 * undefined. Iterative, so it answers for values of any depth without touching the stack. The walk keeps only
 * depths (bundles of 10,000 versions pass through here at load); the path is rebuilt for the one node found.
 */
export function findTooDeep(value: unknown, maxDepth: number): PathSegment[] | undefined {
  interface Frame {
    node: object;
    depth: number;
    parent?: Frame;
    segment?: PathSegment;
  }
  const stack: Frame[] = [];
  if (value !== null && typeof value === "object") stack.push({ node: value, depth: 0 });
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth >= maxDepth) {
      const path: PathSegment[] = [];
      for (let at: Frame | undefined = frame; at?.parent; at = at.parent) path.unshift(at.segment!);
      return path;
    }
    if (Array.isArray(frame.node)) {
      for (let index = frame.node.length - 1; index >= 0; index--) {
        const child: unknown = frame.node[index];
        if (child !== null && typeof child === "object")
          stack.push({ node: child, depth: frame.depth + 1, parent: frame, segment: index });
      }
    } else {
      const keys = Object.keys(frame.node);
      for (let index = keys.length - 1; index >= 0; index--) {
        const child = (frame.node as Record<string, unknown>)[keys[index]!];
        if (child !== null && typeof child === "object")
          stack.push({ node: child, depth: frame.depth + 1, parent: frame, segment: keys[index]! });
      }
    }
  }
  return undefined;
}
