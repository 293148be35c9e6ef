import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { type PackedPackage, packPackages } from "./pack-packages.js";
import { publishablePackages } from "./workspace-packages.js";

declare module "vitest" {
  export interface ProvidedContext {
    packed: PackedPackage[];
  }
}

/**
 * vitest globalSetup: packs every publishable package once per run, into a temp folder outside the workspace, and
 * hands the tarballs to the test files (`inject("packed")`).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const destination = await mkdtemp(path.join(tmpdir(), "promptreg-packed-"));
  project.provide("packed", await packPackages(await publishablePackages(), destination));
  return async () => {
    await rm(destination, { recursive: true, force: true });
  };
}
