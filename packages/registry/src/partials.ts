import { scanHandlebarsTags } from "./handlebars-tags.js";

// Partial references are found by a small tag scanner on purpose: the registry must not depend on Handlebars (the
// renderer owns it). It finds `{{> name}}`, `{{~> name}}`, `{{#> name}}` and quoted names; dynamic partials
// (`{{> (expr)}}`) and `@partial-block` are not static references, and neither are tags inside comments,
// escaped mustaches (`\{{> name}}`) or raw blocks, nor names an inline partial (`{{#*inline "name"}}`) of the
// same source defines.

/** Every static partial reference of a Handlebars source with the offset of its `{{`, in source order. */
export function findPartialUses(source: string): { name: string; index: number }[] {
  const tags = scanHandlebarsTags(source);
  const inline = new Set<string>();
  for (const tag of tags) if (tag.inline !== undefined) inline.add(tag.inline);
  const uses: { name: string; index: number }[] = [];
  for (const tag of tags) {
    if (tag.partial !== undefined && !inline.has(tag.partial))
      uses.push({ name: tag.partial, index: tag.start });
  }
  return uses;
}

/** Names of the partials a Handlebars source references, in order of first use, without duplicates. */
export function findPartialReferences(source: string): string[] {
  return [...new Set(findPartialUses(source).map((use) => use.name))];
}

/**
 * Every cycle among partials (each reported once, as the list of names from its smallest member). Iterative: a
 * tree may hold 10,000 partials, and a chain that long overflowed the call stack of a recursive search.
 */
export function findPartialCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  // Per name on `stack`, the index of the next edge to follow.
  const nextEdge: number[] = [];
  const enter = (name: string) => {
    state.set(name, "active");
    stack.push(name);
    nextEdge.push(0);
  };
  for (const root of [...graph.keys()].sort()) {
    if (state.has(root)) continue;
    enter(root);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const edges = graph.get(stack[top]!) ?? [];
      if (nextEdge[top]! >= edges.length) {
        state.set(stack.pop()!, "done");
        nextEdge.pop();
        continue;
      }
      const next = edges[nextEdge[top]!++]!;
      if (!graph.has(next)) continue;
      if (state.get(next) === "active") {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(rotated.join(">"), rotated);
      } else if (!state.has(next)) enter(next);
    }
  }
  return [...cycles.values()];
}

/** The partials `roots` use, transitively (names that do not exist are left out). */
export function partialClosure(
  roots: Iterable<string>,
  graph: ReadonlyMap<string, readonly string[]>,
): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name) || !graph.has(name)) continue;
    seen.add(name);
    queue.push(...graph.get(name)!);
  }
  return [...seen].sort();
}
