import type { Registry } from "@promptreg/registry";
import type { RendererPort } from "./ports.js";

/** The registry currently serving, with the renderer built over it; swapped as one value so requests never mix two. */
export interface LoadedRegistry {
  registry: Registry;
  renderer: RendererPort;
  loadedAt: Date;
  versionCount: number;
}

export type ReloadOutcome =
  | { ok: true; loaded: LoadedRegistry }
  | { ok: false; error: unknown; serving?: LoadedRegistry };

export interface RegistryHolder {
  current(): LoadedRegistry | undefined;
  /** Loads anew; on failure the last good registry keeps serving. Concurrent calls share one load. */
  reload(): Promise<ReloadOutcome>;
}

export function createRegistryHolder({
  load,
  createRenderer,
  onReload,
}: {
  load: () => Promise<Registry>;
  createRenderer: (registry: Registry) => RendererPort;
  onReload?: (outcome: ReloadOutcome) => void;
}): RegistryHolder {
  let current: LoadedRegistry | undefined;
  let inFlight: Promise<ReloadOutcome> | undefined;
  let again = false;

  async function loadOnce(): Promise<ReloadOutcome> {
    try {
      const registry = await load();
      // Counted by name: iterating templates() would check every version of a lazily loaded bundle now.
      let versionCount = 0;
      for (const id of registry.ids()) versionCount += registry.versions(id).length;
      current = { registry, renderer: createRenderer(registry), loadedAt: new Date(), versionCount };
      return { ok: true, loaded: current };
    } catch (error) {
      return { ok: false, error, serving: current };
    }
  }

  async function run(): Promise<ReloadOutcome> {
    let outcome = await loadOnce();
    onReload?.(outcome);
    // A change that arrived while loading must not be lost: load once more with the newest files.
    while (again) {
      again = false;
      outcome = await loadOnce();
      onReload?.(outcome);
    }
    return outcome;
  }

  return {
    current: () => current,
    reload() {
      if (inFlight) {
        again = true;
        return inFlight;
      }
      inFlight = run().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
