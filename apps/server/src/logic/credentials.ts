import type { ClientKeySet } from "@promptreg/signing";
import { declaredDimensionNames } from "./cost-dimensions.js";

/** The identity a verified request carries through the app (no secrets). */
export interface AuthenticatedClient {
  keyId: string;
  /** Template id prefixes this client may use; absent = all templates. */
  allowedTemplates?: readonly string[];
  requestsPerMinute: number;
  /** Cost-attribution dimensions this client may send, with their allowed values. */
  dimensions?: Readonly<Record<string, readonly string[]>>;
  allowsTemplate(templateId: string): boolean;
}

export interface CredentialSet {
  lookupSecrets(keyId: string): readonly string[] | undefined;
  client(keyId: string): AuthenticatedClient | undefined;
  readonly size: number;
  /** Every dimension any client declares, sorted: the cost metrics' extra labels. */
  readonly dimensionNames: readonly string[];
}

/** Wraps the parsed `PROMPTREG_CLIENT_KEYS(_FILE)` set; clients without their own rate limit get the default. */
export function createCredentialSet({
  keys,
  defaultRequestsPerMinute,
}: {
  keys: ClientKeySet | undefined;
  defaultRequestsPerMinute: number;
}): CredentialSet {
  // One identity object per configured key, built on first use: every request of a client shares it instead of
  // allocating an object and a closure per request. Bounded by the number of configured keys.
  const clients = new Map<string, AuthenticatedClient>();
  return {
    size: keys?.clients.length ?? 0,
    dimensionNames: declaredDimensionNames(keys),
    lookupSecrets: (keyId) => keys?.lookupSecrets(keyId),
    client: (keyId) => {
      const cached = clients.get(keyId);
      if (cached) return cached;
      const entry = keys?.get(keyId);
      if (!entry) return undefined;
      const client: AuthenticatedClient = Object.freeze({
        keyId: entry.keyId,
        allowedTemplates: entry.allowedTemplates,
        dimensions: entry.dimensions,
        requestsPerMinute: entry.rateLimit?.requestsPerMinute ?? defaultRequestsPerMinute,
        allowsTemplate: (templateId: string) => entry.allowsTemplate(templateId),
      });
      clients.set(keyId, client);
      return client;
    },
  };
}

/** Whether `client` may use template `templateId` (path-prefix match on the configured allow-list). */
export function canUseTemplate(client: AuthenticatedClient, templateId: string): boolean {
  return client.allowsTemplate(templateId);
}
