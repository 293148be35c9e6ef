/** Where the shared state of several replicas lives (REDIS_URL and the PROMPTREG_REDIS_* variables). */
export interface RedisConfig {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://` (TLS). Holds a secret: log it through `redactUrlCredentials`. */
  url: string;
  /** Prepended to every key the service writes, so several deployments (or test files) can share one server. */
  keyPrefix: string;
  /** Longest a (re)connection attempt may take before it counts as failed. */
  connectTimeoutMs: number;
  /** Longest one command may wait for its reply; beyond, the request it serves fails closed (503). */
  commandTimeoutMs: number;
  /** How often each replica sends its buffered request samples to the shared stats stream. */
  statsFlushMs: number;
}

export const REDIS_DEFAULTS = {
  keyPrefix: "promptreg:",
  connectTimeoutMs: 2_000,
  commandTimeoutMs: 1_000,
  statsFlushMs: 1_000,
} as const;

export const REDIS_KEY_PREFIX_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export type ParsedRedisUrl = { ok: true; url: string } | { ok: false; problem: string };

/**
 * Checks a REDIS_URL without ever quoting it: a Redis URL usually carries the server's password, and config errors
 * are printed to the terminal and the log. The problem names the part that is wrong and how to write it instead.
 */
export function parseRedisUrl(value: string): ParsedRedisUrl {
  const example = "e.g. redis://:password@redis.internal:6379/0 or rediss://… for TLS";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: `not a URL; write redis://[user:password@]host[:port][/db], ${example}` };
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    return { ok: false, problem: `the scheme must be redis: or rediss: (got ${url.protocol}), ${example}` };
  }
  if (url.hostname === "") return { ok: false, problem: `the host is missing, ${example}` };
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^(?:[0-9]|1[0-5])$/.test(db)) {
    return { ok: false, problem: `the path must be a database index 0-15 or nothing, ${example}` };
  }
  if (url.search !== "" || url.hash !== "") {
    return {
      ok: false,
      problem: `query and fragment are not supported; set PROMPTREG_REDIS_* variables instead`,
    };
  }
  return { ok: true, url: value };
}
