import { link, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyPublishConfig } from "./deploy-server.js";

const workspaceManifest = {
  name: "@promptreg/core",
  type: "module",
  exports: { ".": "./src/index.ts" },
  publishConfig: {
    access: "public",
    exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
  },
  files: ["dist"],
};

let root: string;
let workspaceFile: string;
let deployedFile: string;

// The layout pnpm deploy leaves: the deployed package's manifest, and each workspace package under
// node_modules/.pnpm/<name>@file+<folder>/node_modules/<name>/, its package.json a hard link to the workspace's.
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "promptreg-apply-publish-config-"));
  const workspacePackage = path.join(root, "workspace", "packages", "core");
  await mkdir(workspacePackage, { recursive: true });
  workspaceFile = path.join(workspacePackage, "package.json");
  await writeFile(workspaceFile, JSON.stringify(workspaceManifest));
  const deployed = path.join(root, "deploy");
  const installed = path.join(
    deployed,
    "node_modules",
    ".pnpm",
    "@promptreg+core@file+packages+core",
    "node_modules",
    "@promptreg",
    "core",
  );
  await mkdir(installed, { recursive: true });
  deployedFile = path.join(installed, "package.json");
  await link(workspaceFile, deployedFile);
  await writeFile(
    path.join(deployed, "package.json"),
    JSON.stringify({ name: "@promptreg/server", dependencies: { "@promptreg/core": "workspace:*" } }),
  );
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("applyPublishConfig", () => {
  it("gives each deployed workspace package its published exports, as pnpm pack does", async () => {
    const rewritten = await applyPublishConfig(path.join(root, "deploy"));
    expect(rewritten).toEqual([deployedFile]);
    const manifest = JSON.parse(await readFile(deployedFile, "utf8")) as Record<string, unknown>;
    expect(manifest.exports).toEqual({ ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } });
    expect(manifest.publishConfig).toBeUndefined();
    // Registry settings in publishConfig are not manifest fields.
    expect(manifest.access).toBeUndefined();
  });

  it("leaves the workspace's own manifest alone although the deployed one is a hard link to it", async () => {
    await applyPublishConfig(path.join(root, "deploy"));
    expect(JSON.parse(await readFile(workspaceFile, "utf8"))).toEqual(workspaceManifest);
  });
});
