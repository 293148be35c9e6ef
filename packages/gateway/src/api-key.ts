import { readFile } from "node:fs/promises";
import { AuthError } from "./errors/auth-error.js";

/**
 * Supplies the gateway key on demand, so a key can live in a secret store or a mounted file and rotate without a
 * restart. The client calls `getKey()` before each attempt and `invalidate(rejectedKey)` after a 401, then retries
 * once. A provider may ignore an invalidation naming a key it no longer serves (it was already replaced), so that
 * many requests failing together with the old key cause one refresh.
 */
export interface ApiKeyProvider {
  getKey(): Promise<string> | string;
  invalidate?(rejectedKey?: string): void;
}

/** The only way a key is ever shown: its first 8 characters and an ellipsis. */
export function redactKey(key: string): string {
  return key.length <= 8 ? "…" : `${key.slice(0, 8)}…`;
}

/** A fixed key (the `apiKey` option). */
export function staticApiKeyProvider(key: string): ApiKeyProvider {
  return { getKey: () => key };
}

/** Reads `process.env[name]` on every call, so a supervisor that updates the environment is picked up. */
export function envApiKeyProvider(name: string): ApiKeyProvider {
  return {
    getKey() {
      const value = process.env[name]?.trim();
      if (!value) {
        throw new AuthError({
          message: `No gateway API key: environment variable ${name} is unset or empty. Set ${name} to the gateway key.`,
        });
      }
      return value;
    },
  };
}

export interface FileApiKeyProviderOptions {
  /** How long a read key is reused before the file is read again. Default 60 000 ms. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Reads the key from a file (a mounted Kubernetes/Docker secret), trimmed, cached for `ttlMs`. Rotation: replace the
 * file; the client picks it up after the TTL, or at once after a 401 (which invalidates the cache).
 */
export function fileApiKeyProvider(
  path: string,
  { ttlMs = 60_000, now = Date.now }: FileApiKeyProviderOptions = {},
) {
  let cached: { key: string; at: number } | undefined;
  let pending: Promise<string> | undefined;
  const load = async (): Promise<string> => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
      throw new AuthError({
        message: `Could not read the gateway API key from ${path} (${code}). Mount the secret at that path or point fileApiKeyProvider elsewhere.`,
        cause: error,
      });
    }
    const key = text.trim();
    if (key === "") {
      throw new AuthError({
        message: `The gateway API key file ${path} is empty. Write the key into it (one line).`,
      });
    }
    cached = { key, at: now() };
    return key;
  };
  const provider: ApiKeyProvider = {
    getKey() {
      if (cached && now() - cached.at < ttlMs) return cached.key;
      // One read in flight at a time, however many calls start together.
      pending ??= load().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate(rejectedKey?: string) {
      if (rejectedKey !== undefined && cached !== undefined && cached.key !== rejectedKey) return;
      cached = undefined;
    },
  };
  return provider;
}
