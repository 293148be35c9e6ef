import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { workspaceManifests } from "./documented-dependencies.js";

/**
 * What a test file must not do when the files of its project share one module graph (vitest `isolate: false`): each
 * leaves state behind for the next file in the worker (a mocked module, a spy, a stubbed global or environment
 * variable, fake timers, another working directory).
 */
const LEFTOVERS: { what: string; pattern: RegExp }[] = [
  { what: "module mock", pattern: /\bvi\.(do)?mock\(/ },
  { what: "spy", pattern: /\bvi\.spyOn\(/ },
  { what: "stubbed global or env", pattern: /\bvi\.stub(Global|Env)\(/ },
  { what: "fake timers", pattern: /\buseFakeTimers\(/ },
  {
    what: "environment write",
    pattern: /(^|[^=!<>])\bprocess\.env(\.\w+|\[[^\]]+\])\s*=[^=]|\bdelete process\.env\b/,
  },
  { what: "working directory change", pattern: /\bprocess\.chdir\(/ },
];

/**
 * `file:line: what` for every line of `text` that would leave state behind. Fake timers are fine in a file that
 * switches back to real ones (`useRealTimers`).
 */
export function leftovers(file: string, text: string): string[] {
  const restoresTimers = /\buseRealTimers\(/.test(text);
  return text
    .split("\n")
    .flatMap((line, index) =>
      LEFTOVERS.filter(
        ({ what, pattern }) => pattern.test(line) && !(what === "fake timers" && restoresTimers),
      ).map(({ what }) => `${file}:${index + 1}: ${what}`),
    );
}

/**
 * The workspace folders whose vitest project shares one module graph: the names in the root vitest.config.ts's
 * SHARED_MODULE_GRAPH, and packages whose own vitest.config.ts sets `isolate: false`.
 */
export function sharedModuleGraphDirs(repoRoot: string): string[] {
  const rootConfig = readFileSync(path.join(repoRoot, "vitest.config.ts"), "utf8");
  const list = /SHARED_MODULE_GRAPH = \[([^\]]*)\]/.exec(rootConfig)?.[1];
  if (list === undefined) throw new Error("vitest.config.ts has no SHARED_MODULE_GRAPH = [...]");
  const named = new Set([...list.matchAll(/"([^"]+)"/g)].map((match) => match[1]));
  return workspaceManifests(repoRoot)
    .filter(({ dir, manifest }) => {
      if (named.has(manifest.name)) return true;
      const own = path.join(repoRoot, dir, "vitest.config.ts");
      return existsSync(own) && /\bisolate:\s*false\b/.test(readFileSync(own, "utf8"));
    })
    .map(({ dir }) => dir);
}
