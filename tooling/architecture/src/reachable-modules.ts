import { cruise, type ICruiseResult } from "dependency-cruiser";
import { RESOLVE } from "./resolve-options.js";

/**
 * Every module that loading `entries` loads at run time: static imports followed transitively, workspace packages
 * included (they resolve through their `exports` to source). Type-only imports are left out (TypeScript erases
 * them), and so are dynamic `import()`s, which load only when the code path that runs them does.
 */
export async function runtimeModules({
  entries,
  baseDir,
}: {
  entries: string[];
  baseDir: string;
}): Promise<string[]> {
  const reported = await cruise(
    entries,
    {
      baseDir,
      tsPreCompilationDeps: false,
      doNotFollow: { path: "node_modules", dependencyTypes: ["dynamic-import"] },
      exclude: { path: ["node_modules"], dynamic: true },
    },
    RESOLVE,
  );
  const result = reported.output as ICruiseResult;
  return result.modules.map((module) => module.source).sort();
}
