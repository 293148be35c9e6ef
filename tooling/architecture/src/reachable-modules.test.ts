import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runtimeModules } from "./reachable-modules.js";

const REPO = new URL("../../../", import.meta.url).pathname;
const fromMockGateway = (modules: string[]) =>
  modules.filter((source) => source.startsWith("apps/mock-gateway/"));

describe("what the service loads at run time", () => {
  it("never loads the mock gateway: not from its library entry, not from main.ts (which imports it on demand)", async () => {
    const library = await runtimeModules({ entries: ["apps/server/src/index.ts"], baseDir: REPO });
    const main = await runtimeModules({ entries: ["apps/server/src/main.ts"], baseDir: REPO });
    // The check sees across packages: the service's run pipeline and gateway client are in its graph.
    expect(library).toContain("packages/runtime/src/run-pipeline.ts");
    expect(main).toContain("packages/gateway/src/client.ts");
    expect(fromMockGateway(library)).toEqual([]);
    expect(fromMockGateway(main)).toEqual([]);
  });

  it("sees the mock gateway behind the development-only simulated-gateway module", async () => {
    const simulated = await runtimeModules({
      entries: ["apps/server/src/simulated-gateway.ts"],
      baseDir: REPO,
    });
    expect(fromMockGateway(simulated)).toContain("apps/mock-gateway/src/index.ts");
  });
});

describe("what the client SDK loads", () => {
  // The client runs unchanged on Node, Bun, Deno and edge runtimes (docs/client.md#runtimes): everything it loads is
  // its own code, signing-core's or core's, never a Node built-in (dependency-cruiser lists those by bare name, e.g.
  // "crypto", "node:fs"), and never the server half of signing (key files, zod, yaml).
  const CLIENT_TREE = ["packages/client/", "packages/signing-core/", "packages/core/"];
  const PACKAGE_ROOTS: Record<string, string[]> = {
    "@promptreg/client": ["@promptreg/core", "@promptreg/signing-core", "eventsource-parser"],
    "@promptreg/signing-core": ["@promptreg/core"],
    "@promptreg/core": [],
  };

  it("loads only client, signing-core and core modules: no node: built-ins, no @promptreg/signing", async () => {
    const modules = await runtimeModules({ entries: ["packages/client/src/index.ts"], baseDir: REPO });
    expect(modules).toContain("packages/signing-core/src/sign-request.ts");
    expect(modules).toContain("packages/core/src/retry-delay.ts");
    expect(modules.filter((source) => !CLIENT_TREE.some((root) => source.startsWith(root)))).toEqual([]);
  });

  it("sees a built-in where there is one (the server's signing)", async () => {
    const modules = await runtimeModules({ entries: ["packages/signing/src/index.ts"], baseDir: REPO });
    expect(modules).toContain("crypto");
  });

  it("installs nothing but core, signing-core and eventsource-parser", async () => {
    for (const [name, allowed] of Object.entries(PACKAGE_ROOTS)) {
      const dir = name.replace("@promptreg/", "packages/");
      const manifest = JSON.parse(await readFile(path.join(REPO, dir, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      expect(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).sort(), name).toEqual(
        allowed,
      );
    }
  });
});
