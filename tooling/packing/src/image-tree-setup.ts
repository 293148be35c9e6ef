import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where copySharedImageTree builds the production tree once for this run's test files. */
    imageTreeCache: string;
  }
}

/**
 * vitest globalSetup: an empty folder for this run, removed after it. Nothing is built here, so no test waits for a
 * tree it does not use; deployed-server.test.ts and compose-scaled.test.ts share the one build (image-tree.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cacheDir = await mkdtemp(path.join(tmpdir(), "promptreg-image-tree-"));
  project.provide("imageTreeCache", cacheDir);
  return () => rm(cacheDir, { recursive: true, force: true });
}
