import path from "node:path";
import { type BatchLimits, DEFAULT_BATCH_LIMITS, DEFAULT_ITEM_RETRY } from "@promptreg/batches";
import {
  DEFAULT_SECRET_COMMAND_TIMEOUT_MS,
  DEFAULT_SECRET_COMMAND_TTL_MS,
  type GatewayPolicyOptions,
  parseSecretCommand,
} from "@promptreg/gateway";
import { DEV_CLIENT_FILE } from "@promptreg/signing";
import { z } from "zod";
import { ConfigError } from "./errors/config-error.js";
import { GATEWAY_POLICY_VARIABLE_NAMES, gatewayPoliciesFromEnv } from "./gateway-policy-env.js";
import { parseRedisUrl, REDIS_DEFAULTS, REDIS_KEY_PREFIX_PATTERN, type RedisConfig } from "./redis-config.js";

/**
 * Every environment variable the service reads, validated once at start-up. docs/operations.md has the same
 * table for operators; keep the two in step.
 */
const booleanish = z
  .enum(["1", "0", "true", "false", "on", "off", "yes", "no"])
  .transform((value) => ["1", "true", "on", "yes"].includes(value));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** How long a client may take to send its whole body once the headers passed (408 beyond). */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PROMPTREG_TEMPLATES_DIR: z.string().min(1).optional(),
  PROMPTREG_BUNDLE: z.string().min(1).optional(),
  PROMPTREG_WATCH: booleanish.optional(),
  PROMPTREG_AUTH: z.enum(["on", "off"]).default("on"),
  PROMPTREG_CLIENT_KEYS: z.string().min(1).optional(),
  PROMPTREG_CLIENT_KEYS_FILE: z.string().min(1).optional(),
  PROMPTREG_CLIENT_KEYS_COMMAND: z.string().min(1).optional(),
  PROMPTREG_SECRET_COMMAND_TIMEOUT_MS: positiveInt(DEFAULT_SECRET_COMMAND_TIMEOUT_MS),
  PROMPTREG_DEV_CLIENT_FILE: z.string().min(1).optional(),
  PROMPTREG_SIGNATURE_WINDOW_SECONDS: positiveInt(300),
  PROMPTREG_RATE_LIMIT_RPM: positiveInt(600),
  PROMPTREG_BODY_LIMIT_BYTES: positiveInt(256 * 1024),
  PROMPTREG_BODY_TIMEOUT_MS: positiveInt(DEFAULT_BODY_TIMEOUT_MS),
  PROMPTREG_NONCE_CAPACITY_PER_CLIENT: z.coerce.number().int().positive().optional(),
  PROMPTREG_REQUEST_TIMEOUT_MS: positiveInt(60_000),
  PROMPTREG_DRAIN_TIMEOUT_MS: positiveInt(10_000),
  PROMPTREG_OUTPUT_REPAIR_ATTEMPTS: z.coerce.number().int().min(0).max(3).default(1),
  PROMPTREG_STATS_CAPACITY: positiveInt(10_000),
  PROMPTREG_LOG_BODIES: booleanish.default(false),
  PROMPTREG_SIMULATED_GATEWAY_SCENARIO: z.string().min(1).optional(),
  // Checked by parseRedisUrl, whose messages never quote the value (it may hold a password).
  REDIS_URL: z.string().min(1).optional(),
  PROMPTREG_REDIS_KEY_PREFIX: z
    .string()
    .regex(REDIS_KEY_PREFIX_PATTERN, "letters, digits and . _ - : only, at most 64, e.g. 'promptreg:'")
    .default(REDIS_DEFAULTS.keyPrefix),
  PROMPTREG_REDIS_CONNECT_TIMEOUT_MS: positiveInt(REDIS_DEFAULTS.connectTimeoutMs),
  PROMPTREG_REDIS_COMMAND_TIMEOUT_MS: positiveInt(REDIS_DEFAULTS.commandTimeoutMs),
  PROMPTREG_REDIS_STATS_FLUSH_MS: positiveInt(REDIS_DEFAULTS.statsFlushMs),
  PROMPTREG_BATCH_WORKER: booleanish.default(true),
  PROMPTREG_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
  PROMPTREG_BATCH_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  PROMPTREG_WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  PROMPTREG_GATEWAY_CAPACITY_RPM: positiveInt(600),
  PROMPTREG_GATEWAY_CAPACITY_TPM: positiveInt(1_000_000),
  PROMPTREG_BATCH_INTERACTIVE_RESERVE: z.coerce.number().min(0).max(0.95).default(0.5),
  PROMPTREG_BATCH_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(DEFAULT_ITEM_RETRY.attempts),
  PROMPTREG_BATCH_BACKOFF_MS: positiveInt(DEFAULT_ITEM_RETRY.backoffMs),
  PROMPTREG_BATCH_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  PROMPTREG_BATCH_BODY_LIMIT_BYTES: positiveInt(16 * 1024 * 1024),
  PROMPTREG_BATCH_MAX_ITEMS: positiveInt(DEFAULT_BATCH_LIMITS.maxItems),
  PROMPTREG_BATCH_MAX_ITEM_INPUT_BYTES: positiveInt(DEFAULT_BATCH_LIMITS.maxItemInputBytes),
  PROMPTREG_BATCH_MAX_QUEUED_ITEMS: positiveInt(DEFAULT_BATCH_LIMITS.maxQueuedItems),
  PROMPTREG_BATCH_MAX_RESULT_BYTES: positiveInt(DEFAULT_BATCH_LIMITS.maxResultBytes),
  PROMPTREG_BATCH_RESULT_TTL_SECONDS: positiveInt(DEFAULT_BATCH_LIMITS.resultTtlSeconds),
  PROMPTREG_BATCH_MAX_AGE_SECONDS: positiveInt(DEFAULT_BATCH_LIMITS.maxAgeSeconds),
  PROMPTREG_BATCH_DEAD_LETTER_CAPACITY: positiveInt(DEFAULT_BATCH_LIMITS.deadLetterCapacity),
  GATEWAY_BASE_URL: z.url().default("https://api.phaseo.app/v1"),
  GATEWAY_API_KEY: z.string().min(1).optional(),
  GATEWAY_API_KEY_FILE: z.string().min(1).optional(),
  GATEWAY_API_KEY_COMMAND: z.string().min(1).optional(),
  GATEWAY_API_KEY_COMMAND_TTL_MS: positiveInt(DEFAULT_SECRET_COMMAND_TTL_MS),
});

/** Most a client-credentials command may print (a credentials document, far larger than one key). */
export const CLIENT_KEYS_COMMAND_MAX_OUTPUT_BYTES = 1024 * 1024;

/** Every variable name the service reads; docs/operations.md documents each (a test checks). */
export const CONFIG_VARIABLES: readonly string[] = [
  ...Object.keys(envSchema.shape),
  ...GATEWAY_POLICY_VARIABLE_NAMES,
];

export interface ServerConfig {
  nodeEnv: "development" | "production" | "test";
  port: number;
  host: string;
  logLevel: string;
  templatesDir: string;
  /**
   * A built bundle (`promptreg build`) to serve instead of the template tree: ready in well under a second for
   * 10,000 versions (the first load checks each id's versions on first use, schemas compile on first render).
   * SIGHUP re-reads it and checks every version before swapping it in; it is not watched.
   */
  bundleFile?: string;
  /**
   * Reload the registry when a template file changes (default on in development), looking only at the paths the
   * watcher reported.
   */
  watch: boolean;
  auth: "on" | "off";
  clientKeys: { inline?: string; file?: string; command?: string[] };
  /** Longest a secret command (gateway key, client credentials) may run before it is killed. */
  secretCommandTimeoutMs: number;
  devClientFile: string;
  signatureWindowSeconds: number;
  /** Default per-client budget; a client entry may set its own. */
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  bodyTimeoutMs: number;
  /** Hard cap on each client's live nonces; unset = derived from the client's rate limit. */
  nonceCapacityPerClient?: number;
  requestTimeoutMs: number;
  drainTimeoutMs: number;
  outputRepairAttempts: number;
  statsCapacity: number;
  logBodies: boolean;
  /** Shared state (nonces, rate limits, stats) for several replicas; unset = in-memory, one process. */
  redis?: RedisConfig;
  /** Batch jobs (docs/batches.md); they need `redis`. */
  batches: BatchConfig;
  gateway: {
    baseUrl: string;
    /** Unset: a simulated gateway is started in-process. */
    apiKey?: string;
    apiKeyFile?: string;
    /** argv of the command that prints the key (GATEWAY_API_KEY_COMMAND, parsed without a shell). */
    apiKeyCommand?: string[];
    /** How long a key read by the command is reused. */
    apiKeyCommandTtlMs: number;
    /** Scenario file (faults, latency) for the simulated gateway; see docs/mock-gateway.md. */
    simulatedScenario?: string;
    /** Retry, timeout, budget, breaker and concurrency options for `createGatewayClient` (GATEWAY_* variables). */
    policies: GatewayPolicyOptions;
  };
  /** Longest one model call may take, retries and fallbacks included (GATEWAY_DEADLINE_MS, resolved). */
  gatewayDeadlineMs: number;
}

export interface BatchConfig {
  /**
   * Run a batch worker inside the service, on a thread of its own (off when `pnpm worker` processes run instead).
   */
  worker: boolean;
  concurrency: number;
  /**
   * The scheduling niceness of batch work (0 to 19, higher yields more): the in-service worker thread's, or the whole
   * `pnpm worker` process's. Interactive calls keep the CPU when both want it (docs/batches.md).
   */
  workerNice: number;
  /** Where `pnpm worker` answers /healthz, /readyz and /metrics (on HOST; 0 picks a free port). */
  workerPort: number;
  /** The gateway's capacity; batches use `1 - interactiveReserve` of it. */
  gatewayCapacity: { requestsPerMinute: number; tokensPerMinute: number };
  interactiveReserve: number;
  attempts: number;
  backoffMs: number;
  lockMs: number;
  /** Body limit of POST /v1/batches (the other routes keep PROMPTREG_BODY_LIMIT_BYTES). */
  bodyLimitBytes: number;
  limits: BatchLimits;
}

/** Validates `env` and returns the typed configuration; throws `ConfigError` listing every bad variable. */
export function loadConfig({
  env = process.env,
  repoRoot = process.cwd(),
}: {
  env?: NodeJS.ProcessEnv;
  repoRoot?: string;
} = {}): ServerConfig {
  // Empty strings are how shells and compose files say "unset".
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = envSchema.safeParse(cleaned);
  // Read alongside the schema (not inside it), so that one bad variable of either kind does not hide the others.
  const gatewayPolicies = gatewayPoliciesFromEnv(cleaned);
  if (!parsed.success) {
    throw new ConfigError({
      issues: [
        ...parsed.error.issues.map((issue) => ({
          variable: String(issue.path[0] ?? "(environment)"),
          message: issue.message,
        })),
        ...gatewayPolicies.issues,
      ],
    });
  }
  const e = parsed.data;
  const issues: { variable: string; message: string }[] = [];
  if (e.PROMPTREG_AUTH === "off" && e.NODE_ENV === "production") {
    issues.push({
      variable: "PROMPTREG_AUTH",
      message: "'off' is refused when NODE_ENV=production; configure PROMPTREG_CLIENT_KEYS(_FILE) instead",
    });
  }
  oneOf(e, ["PROMPTREG_TEMPLATES_DIR", "PROMPTREG_BUNDLE"], issues);
  const gatewayKeySources = oneOf(
    e,
    ["GATEWAY_API_KEY", "GATEWAY_API_KEY_FILE", "GATEWAY_API_KEY_COMMAND"],
    issues,
  );
  const clientKeySources = oneOf(
    e,
    ["PROMPTREG_CLIENT_KEYS", "PROMPTREG_CLIENT_KEYS_FILE", "PROMPTREG_CLIENT_KEYS_COMMAND"],
    issues,
  );
  if (e.NODE_ENV === "production" && clientKeySources === 0) {
    issues.push({
      variable: "PROMPTREG_CLIENT_KEYS",
      message:
        "production needs client credentials (PROMPTREG_CLIENT_KEYS, PROMPTREG_CLIENT_KEYS_FILE or PROMPTREG_CLIENT_KEYS_COMMAND)",
    });
  }
  if (e.NODE_ENV === "production" && gatewayKeySources === 0) {
    issues.push({
      variable: "GATEWAY_API_KEY",
      message:
        "production needs a real gateway key (GATEWAY_API_KEY, GATEWAY_API_KEY_FILE or GATEWAY_API_KEY_COMMAND); the simulated gateway is for development",
    });
  }
  const apiKeyCommand = secretCommand(e.GATEWAY_API_KEY_COMMAND, "GATEWAY_API_KEY_COMMAND", issues);
  const clientKeysCommand = secretCommand(
    e.PROMPTREG_CLIENT_KEYS_COMMAND,
    "PROMPTREG_CLIENT_KEYS_COMMAND",
    issues,
  );
  const redisUrl = e.REDIS_URL === undefined ? undefined : parseRedisUrl(e.REDIS_URL);
  if (redisUrl && !redisUrl.ok) issues.push({ variable: "REDIS_URL", message: redisUrl.problem });
  issues.push(...gatewayPolicies.issues);
  if (issues.length > 0 || !gatewayPolicies.resolved) throw new ConfigError({ issues });

  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    templatesDir: path.resolve(repoRoot, e.PROMPTREG_TEMPLATES_DIR ?? "templates"),
    ...(e.PROMPTREG_BUNDLE ? { bundleFile: path.resolve(repoRoot, e.PROMPTREG_BUNDLE) } : {}),
    // A bundle is a build artefact replaced as a whole: SIGHUP reloads it, nothing watches the tree.
    watch: e.PROMPTREG_BUNDLE ? false : (e.PROMPTREG_WATCH ?? e.NODE_ENV === "development"),
    auth: e.PROMPTREG_AUTH,
    clientKeys: {
      inline: e.PROMPTREG_CLIENT_KEYS,
      file: e.PROMPTREG_CLIENT_KEYS_FILE,
      command: clientKeysCommand,
    },
    secretCommandTimeoutMs: e.PROMPTREG_SECRET_COMMAND_TIMEOUT_MS,
    devClientFile: path.resolve(repoRoot, e.PROMPTREG_DEV_CLIENT_FILE ?? DEV_CLIENT_FILE),
    signatureWindowSeconds: e.PROMPTREG_SIGNATURE_WINDOW_SECONDS,
    rateLimitPerMinute: e.PROMPTREG_RATE_LIMIT_RPM,
    bodyLimitBytes: e.PROMPTREG_BODY_LIMIT_BYTES,
    bodyTimeoutMs: e.PROMPTREG_BODY_TIMEOUT_MS,
    nonceCapacityPerClient: e.PROMPTREG_NONCE_CAPACITY_PER_CLIENT,
    requestTimeoutMs: e.PROMPTREG_REQUEST_TIMEOUT_MS,
    drainTimeoutMs: e.PROMPTREG_DRAIN_TIMEOUT_MS,
    outputRepairAttempts: e.PROMPTREG_OUTPUT_REPAIR_ATTEMPTS,
    statsCapacity: e.PROMPTREG_STATS_CAPACITY,
    logBodies: e.PROMPTREG_LOG_BODIES,
    redis: redisUrl?.ok
      ? {
          url: redisUrl.url,
          keyPrefix: e.PROMPTREG_REDIS_KEY_PREFIX,
          connectTimeoutMs: e.PROMPTREG_REDIS_CONNECT_TIMEOUT_MS,
          commandTimeoutMs: e.PROMPTREG_REDIS_COMMAND_TIMEOUT_MS,
          statsFlushMs: e.PROMPTREG_REDIS_STATS_FLUSH_MS,
        }
      : undefined,
    batches: {
      worker: e.PROMPTREG_BATCH_WORKER,
      concurrency: e.PROMPTREG_BATCH_CONCURRENCY,
      workerNice: e.PROMPTREG_BATCH_WORKER_NICE,
      workerPort: e.PROMPTREG_WORKER_PORT,
      gatewayCapacity: {
        requestsPerMinute: e.PROMPTREG_GATEWAY_CAPACITY_RPM,
        tokensPerMinute: e.PROMPTREG_GATEWAY_CAPACITY_TPM,
      },
      interactiveReserve: e.PROMPTREG_BATCH_INTERACTIVE_RESERVE,
      attempts: e.PROMPTREG_BATCH_ATTEMPTS,
      backoffMs: e.PROMPTREG_BATCH_BACKOFF_MS,
      lockMs: e.PROMPTREG_BATCH_LOCK_MS,
      bodyLimitBytes: e.PROMPTREG_BATCH_BODY_LIMIT_BYTES,
      limits: {
        maxItems: e.PROMPTREG_BATCH_MAX_ITEMS,
        maxItemInputBytes: e.PROMPTREG_BATCH_MAX_ITEM_INPUT_BYTES,
        maxQueuedItems: e.PROMPTREG_BATCH_MAX_QUEUED_ITEMS,
        maxResultBytes: e.PROMPTREG_BATCH_MAX_RESULT_BYTES,
        resultTtlSeconds: e.PROMPTREG_BATCH_RESULT_TTL_SECONDS,
        maxAgeSeconds: e.PROMPTREG_BATCH_MAX_AGE_SECONDS,
        deadLetterCapacity: e.PROMPTREG_BATCH_DEAD_LETTER_CAPACITY,
      },
    },
    gateway: {
      baseUrl: e.GATEWAY_BASE_URL,
      apiKey: e.GATEWAY_API_KEY,
      apiKeyFile: e.GATEWAY_API_KEY_FILE,
      apiKeyCommand,
      apiKeyCommandTtlMs: e.GATEWAY_API_KEY_COMMAND_TTL_MS,
      simulatedScenario: e.PROMPTREG_SIMULATED_GATEWAY_SCENARIO
        ? path.resolve(repoRoot, e.PROMPTREG_SIMULATED_GATEWAY_SCENARIO)
        : undefined,
      policies: gatewayPolicies.policies,
    },
    gatewayDeadlineMs: gatewayPolicies.resolved.timeouts.deadlineMs,
  };
}

/** How many of `names` are set; more than one is an issue (which one wins would be a guess). */
function oneOf(
  env: Record<string, unknown>,
  names: readonly string[],
  issues: { variable: string; message: string }[],
): number {
  const set = names.filter((name) => env[name] !== undefined);
  if (set.length > 1) {
    issues.push({
      variable: set[1] as string,
      message: `set only one of ${names.join(", ")} (found ${set.join(" and ")})`,
    });
  }
  return set.length;
}

/** A `*_COMMAND` variable as argv (no shell); the variable's value is never quoted back, it may hold a path. */
function secretCommand(
  value: string | undefined,
  variable: string,
  issues: { variable: string; message: string }[],
): string[] | undefined {
  if (value === undefined) return undefined;
  const parsed = parseSecretCommand(value);
  if (parsed.ok) return parsed.argv;
  issues.push({ variable, message: `${parsed.problem}. ${parsed.fix}` });
  return undefined;
}

/** Shows at most the first 8 characters of a secret, for logs and messages. */
export function truncateSecret(value: string): string {
  return value.length <= 8 ? `${value.slice(0, Math.min(4, value.length))}…` : `${value.slice(0, 8)}…`;
}
