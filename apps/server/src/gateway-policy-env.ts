import {
  checkPolicyOption,
  type GatewayPolicyOptions,
  InvalidConfigError,
  type ResolvedGatewayPolicies,
  resolveGatewayPolicies,
} from "@promptreg/gateway";
import type { ConfigIssue } from "./errors/config-error.js";

/**
 * The gateway client's resilience policies as environment variables. Each maps to one option of
 * `createGatewayClient`; an unset variable keeps the client's documented default. Ranges are not repeated here: the
 * values are checked by the gateway's own `resolveGatewayPolicies`, and its complaints are reported against the
 * variable names. docs/operations.md lists them with their defaults (a test keeps both in step).
 */
export const GATEWAY_POLICY_VARIABLES = {
  GATEWAY_MAX_ATTEMPTS: ["retry", "maxAttempts"],
  GATEWAY_RETRY_BASE_DELAY_MS: ["retry", "baseDelayMs"],
  GATEWAY_RETRY_MAX_DELAY_MS: ["retry", "maxDelayMs"],
  GATEWAY_MAX_RETRY_AFTER_MS: ["retry", "maxRetryAfterMs"],
  GATEWAY_DEADLINE_MS: ["timeouts", "deadlineMs"],
  GATEWAY_ATTEMPT_TIMEOUT_MS: ["timeouts", "attemptMs"],
  GATEWAY_IDLE_TIMEOUT_MS: ["timeouts", "idleMs"],
  GATEWAY_RETRY_BUDGET_RATIO: ["retryBudget", "ratio"],
  GATEWAY_RETRY_BUDGET_MIN_RETRIES: ["retryBudget", "minRetries"],
  GATEWAY_CIRCUIT_FAILURE_RATE: ["circuitBreaker", "failureRate"],
  GATEWAY_CIRCUIT_MIN_REQUESTS: ["circuitBreaker", "minRequests"],
  GATEWAY_CIRCUIT_WINDOW_SIZE: ["circuitBreaker", "windowSize"],
  GATEWAY_CIRCUIT_WINDOW_MS: ["circuitBreaker", "windowMs"],
  GATEWAY_CIRCUIT_OPEN_MS: ["circuitBreaker", "openMs"],
  GATEWAY_MAX_CONCURRENT: ["concurrency", "maxConcurrent"],
  GATEWAY_MAX_QUEUE: ["concurrency", "maxQueue"],
} as const satisfies Record<string, readonly [keyof GatewayPolicyOptions, string]>;

/** Every variable name this module reads (docs/operations.md documents each). */
export const GATEWAY_POLICY_VARIABLE_NAMES: readonly string[] = [
  ...Object.keys(GATEWAY_POLICY_VARIABLES),
  "GATEWAY_CIRCUIT_BREAKER",
];

const DECIMAL = /^\d+(\.\d+)?$/;

const PATH_TO_VARIABLE = new Map<string, string>(
  Object.entries(GATEWAY_POLICY_VARIABLES).map(([name, [policy, option]]) => [`${policy}.${option}`, name]),
);

/** A gateway complaint in terms of the environment: option paths in its text become variable names. */
function issueFor(error: InvalidConfigError): ConfigIssue {
  let text = `${error.problem}. ${error.fix}`;
  for (const [path, name] of PATH_TO_VARIABLE) text = text.replaceAll(path, name);
  text = text.replace("leave the option out to use the documented default", "unset it for the default");
  return { variable: PATH_TO_VARIABLE.get(error.path) ?? error.path, message: text };
}

/** Runs one of the gateway's checks; its InvalidConfigError becomes an issue, anything else is a bug and thrown. */
function check<T>(run: () => T): T | ConfigIssue {
  try {
    return run();
  } catch (error) {
    if (InvalidConfigError.isInstance(error)) return issueFor(error);
    throw error;
  }
}

const isIssue = (value: unknown): value is ConfigIssue =>
  typeof value === "object" && value !== null && "variable" in value;

/**
 * The policy options for `createGatewayClient` from the environment (empty values already removed), or every problem
 * with them: each variable is checked on its own first, so all bad ones are listed at once, then all together
 * (limits between two options).
 */
export function gatewayPoliciesFromEnv(env: Record<string, string | undefined>): {
  policies: GatewayPolicyOptions;
  resolved: ResolvedGatewayPolicies | undefined;
  issues: ConfigIssue[];
} {
  const groups: Partial<Record<keyof GatewayPolicyOptions, Record<string, number>>> = {};
  const issues: ConfigIssue[] = [];
  const breaker = env.GATEWAY_CIRCUIT_BREAKER?.trim() ?? "on";
  if (breaker !== "on" && breaker !== "off") {
    issues.push({ variable: "GATEWAY_CIRCUIT_BREAKER", message: `expected "on" or "off", got "${breaker}"` });
  }
  const breakerOff = breaker === "off";
  for (const [name, [policy, option]] of Object.entries(GATEWAY_POLICY_VARIABLES)) {
    const text = env[name]?.trim();
    if (text === undefined) continue;
    if (!DECIMAL.test(text)) {
      issues.push({
        variable: name,
        message: `expected a non-negative number such as 3, 0.5 or 30000, got "${text}"`,
      });
      continue;
    }
    if (breakerOff && policy === "circuitBreaker") {
      issues.push({
        variable: name,
        message: "is set but GATEWAY_CIRCUIT_BREAKER=off; unset one of the two",
      });
      continue;
    }
    const value = Number(text);
    const alone = check(() => checkPolicyOption({ policy, option, value }));
    if (isIssue(alone)) issues.push(alone);
    groups[policy] = { ...groups[policy], [option]: value };
  }
  // The groups hold only known option names (the table above), each a number the gateway checks below.
  const policies = { ...groups, ...(breakerOff ? { circuitBreaker: false } : {}) } as GatewayPolicyOptions;
  if (issues.length > 0) return { policies, resolved: undefined, issues };
  const together = check(() => resolveGatewayPolicies(policies));
  return isIssue(together)
    ? { policies, resolved: undefined, issues: [together] }
    : { policies, resolved: together, issues };
}
