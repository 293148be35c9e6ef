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
