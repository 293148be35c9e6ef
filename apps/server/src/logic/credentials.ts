import type { ClientKeySet } from "@promptreg/signing";

/** The identity a verified request carries through the app (no secrets). */
export interface AuthenticatedClient {
  keyId: string;
  /** Template id prefixes this client may use; absent = all templates. */
  allowedTemplates?: readonly string[];
  requestsPerMinute: number;
  allowsTemplate(templateId: string): boolean;
}

export interface CredentialSet {
  lookupSecrets(keyId: string): readonly string[] | undefined;
  client(keyId: string): AuthenticatedClient | undefined;
  readonly size: number;
}

/** Wraps the parsed `PROMPTREG_CLIENT_KEYS(_FILE)` set; clients without their own rate limit get the default. */
export function createCredentialSet({
  keys,
  defaultRequestsPerMinute,
}: {
  keys: ClientKeySet | undefined;
  defaultRequestsPerMinute: number;
}): CredentialSet {
  return {
    size: keys?.clients.length ?? 0,
    lookupSecrets: (keyId) => keys?.lookupSecrets(keyId),
    client: (keyId) => {
      const entry = keys?.get(keyId);
      if (!entry) return undefined;
      return {
        keyId: entry.keyId,
        allowedTemplates: entry.allowedTemplates,
        requestsPerMinute: entry.rateLimit?.requestsPerMinute ?? defaultRequestsPerMinute,
        allowsTemplate: (templateId) => entry.allowsTemplate(templateId),
      };
    },
  };
}

/** Whether `client` may use template `templateId` (path-prefix match on the configured allow-list). */
export function canUseTemplate(client: AuthenticatedClient, templateId: string): boolean {
  return client.allowsTemplate(templateId);
}
