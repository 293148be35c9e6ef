import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEV_CLIENT_FILE, devClientFilePath, findWorkspaceRoot } from "./dev-client-location.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "promptreg-ws-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("findWorkspaceRoot", () => {
  it("finds the directory holding pnpm-workspace.yaml from deep inside it", async () => {
    await writeFile(path.join(root, "pnpm-workspace.yaml"), "packages: []\n");
    const deep = path.join(root, "apps", "server", "src");
    await mkdir(deep, { recursive: true });
    expect(findWorkspaceRoot(deep)).toBe(root);
  });

  it("falls back to the start directory outside any workspace", () => {
    expect(findWorkspaceRoot(root)).toBe(root);
  });
});

describe("devClientFilePath", () => {
  beforeEach(async () => {
    await writeFile(path.join(root, "pnpm-workspace.yaml"), "packages: []\n");
    await mkdir(path.join(root, "packages", "cli"), { recursive: true });
  });

  it("defaults to .promptreg/dev-client.json at the workspace root, whatever the cwd", () => {
    const cwd = path.join(root, "packages", "cli");
    expect(devClientFilePath({ cwd, env: {} })).toBe(path.join(root, DEV_CLIENT_FILE));
  });

  it("takes a relative PROMPTREG_DEV_CLIENT_FILE from the workspace root, as the service does", () => {
    const cwd = path.join(root, "packages", "cli");
    const env = { PROMPTREG_DEV_CLIENT_FILE: "secrets/dev.json" };
    expect(devClientFilePath({ cwd, env })).toBe(path.join(root, "secrets", "dev.json"));
    expect(devClientFilePath({ cwd, env: { PROMPTREG_DEV_CLIENT_FILE: "/abs/dev.json" } })).toBe(
      "/abs/dev.json",
    );
  });
});
