import { createMockGateway, loadScenarioFile } from "@promptreg/mock-gateway";
import type { SimulatedGateway } from "./service.js";

/**
 * Development only: the in-process simulated gateway `pnpm start` uses when no gateway key is configured. main.ts
 * loads this module with a dynamic import only in that case (production refuses to start without a key), so the
 * service itself never loads the mock gateway; tests that want the same set-up pass it to `createService`.
 */
export async function startSimulatedGateway({
  scenarioFile,
}: {
  scenarioFile?: string | undefined;
}): Promise<SimulatedGateway> {
  const mock = await createMockGateway(
    scenarioFile ? { ...(await loadScenarioFile(scenarioFile)), scenarioFile } : {},
  );
  return { url: mock.url, close: () => mock.close() };
}
