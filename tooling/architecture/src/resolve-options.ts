/**
 * How module specifiers resolve in this repository: NodeNext `.js` specifiers name `.ts` sources, and workspace
 * packages resolve through their `exports` (which point at `src/index.ts`), so the graph crosses packages.
 */
export const RESOLVE = {
  extensionAlias: { ".js": [".ts", ".js"] },
  exportsFields: ["exports"],
  conditionNames: ["import", "default"],
};
