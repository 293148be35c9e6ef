import { NotReadyError } from "../errors/not-ready-error.js";
import type { LoadedRegistry, RegistryHolder } from "../logic/registry-holder.js";

export function requireRegistry(holder: RegistryHolder): LoadedRegistry {
  const loaded = holder.current();
  if (!loaded) throw new NotReadyError({ what: "the template registry has not loaded yet" });
  return loaded;
}
