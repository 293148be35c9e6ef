import { cruise, type ICruiseResult } from "dependency-cruiser";
import { RESOLVE } from "./resolve-options.js";

/** One import cycle: the modules in order, each importing the next, the last importing the first. */
export interface ImportCycle {
  from: string;
  cycle: string[];
}

/**
 * Every import cycle among the TypeScript modules under `roots` (relative to `baseDir`), type-only imports included:
 * dependency-cruiser reads the sources before TypeScript erases `import type`, and resolves `.js` specifiers to
 * the `.ts` files NodeNext projects write them for. Workspace packages resolve through their `exports` to source,
 * so cycles across packages count too.
 */
export async function findImportCycles({
  roots,
  baseDir,
}: {
  roots: string[];
  baseDir: string;
}): Promise<ImportCycle[]> {
  const reported = await cruise(
    roots,
    {
      baseDir,
      validate: true,
      tsPreCompilationDeps: true,
      doNotFollow: { path: "node_modules" },
      exclude: { path: ["node_modules", "/dist/", "\\.d\\.ts$", "/\\.vitepress/"] },
      ruleSet: {
        forbidden: [{ name: "no-circular", severity: "error", from: {}, to: { circular: true } }],
      },
    },
    RESOLVE,
  );
  const result = reported.output as ICruiseResult;
  const cycles: ImportCycle[] = [];
  for (const violation of result.summary.violations) {
    if (violation.rule.name !== "no-circular") continue;
    cycles.push({
      from: violation.from,
      cycle: (violation.cycle ?? []).map((step) => (typeof step === "string" ? step : step.name)),
    });
  }
  return cycles;
}
