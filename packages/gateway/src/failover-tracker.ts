import type { FailoverReason } from "./types.js";

const FAILOVER_MEMORY = 1_000;

export const providerPrefix = (model: string) => {
  const slash = model.indexOf("/");
  return slash === -1 ? undefined : model.slice(0, slash);
};

const bareModel = (model: string) => {
  const slash = model.indexOf("/");
  return (slash === -1 ? model : model.slice(slash + 1)).toLowerCase();
};

/**
 * A failover is the gateway serving something other than what was asked: another provider than the model's prefix,
 * another model (dated variants like gpt-4o-2024-08-06 of gpt-4o are the same model), or a provider that changed
 * since the previous call for the same model. Remembers the last provider of up to 1,000 models.
 */
export class FailoverTracker {
  private readonly lastProvider = new Map<string, string>();

  detect(attempted: string, served: string, provider: string | undefined): FailoverReason | undefined {
    let reason: FailoverReason | undefined;
    const wanted = providerPrefix(attempted);
    if (provider && wanted && provider.toLowerCase() !== wanted.toLowerCase()) reason = "provider_mismatch";
    else if (!bareModel(served).startsWith(bareModel(attempted))) reason = "model_mismatch";
    if (provider) {
      const previous = this.lastProvider.get(attempted);
      if (!reason && previous !== undefined && previous !== provider) reason = "provider_changed";
      // A mismatched answer is an exception: remembering it would flag the return to normal as a change.
      if (previous !== provider && reason !== "provider_mismatch" && reason !== "model_mismatch") {
        if (this.lastProvider.size >= FAILOVER_MEMORY) this.lastProvider.clear();
        this.lastProvider.set(attempted, provider);
      }
    }
    return reason;
  }
}
