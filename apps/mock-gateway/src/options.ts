import { z } from "zod";
import { InvalidFaultStepError } from "./errors/invalid-fault-step-error.js";
import { InvalidOptionsError } from "./errors/invalid-options-error.js";
import { InvalidScenarioError } from "./errors/invalid-scenario-error.js";
import type { FaultStep } from "./faults/fault-step.js";
import { parseFaultSteps } from "./faults/parse-fault-steps.js";
import { DEFAULT_IDEMPOTENCY_BUDGET, type IdempotencyBudget } from "./idempotency-store.js";
import { scenarioSchema, zodIssues } from "./scenario.js";

export const DEFAULT_FAULT_KINDS = "500,502,503,429:s=0,reset";
export const DEFAULT_MODELS = [
  "mock/echo",
  "openai/gpt-4o-mini",
  "openai/gpt-4o",
  "anthropic/claude-3-5-haiku",
  "google/gemini-2.0-flash",
];

const optionsSchema = scenarioSchema.extend({
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65_535).optional(),
  apiKey: z.string().min(1).optional(),
  stallTimeoutMs: z.number().int().min(0).max(3_600_000).optional(),
  maxTrackedKeys: z.number().int().min(1).optional(),
  idempotency: z
    .strictObject({
      windowMs: z.number().int().min(0).optional(),
      maxKeys: z.number().int().min(1).optional(),
      maxBytes: z.number().int().min(1).optional(),
    })
    .optional(),
  /** Labels errors from a scenario file; set by the CLI. */
  scenarioFile: z.string().optional(),
});

/** Options of `createMockGateway` / `createMockGatewayHandler`; the scenario fields plus server settings. */
export type MockGatewayOptions = z.input<typeof optionsSchema>;

export interface ScriptRule {
  /** The `match.model` text as written, for messages. */
  pattern: string;
  matches(model: string): boolean;
  steps: FaultStep[];
}

/** Options after validation, with defaults applied and every fault list parsed once. */
export interface GatewayConfig {
  host: string;
  port: number;
  apiKey: string | undefined;
  seed: number;
  faultRate: number;
  faultKinds: FaultStep[];
  rules: ScriptRule[];
  providers: ReadonlyMap<string, string>;
  latency: { firstByte: number; perChunk: number };
  cost: boolean;
  models: string[];
  stallTimeoutMs: number;
  maxTrackedKeys: number;
  idempotency: IdempotencyBudget;
}

function steps(list: string | string[], origin: string): FaultStep[] {
  return parseFaultSteps(Array.isArray(list) ? list.join(",") : list, { origin });
}

/** `/re/flags` is a regular expression, `*` is a wildcard, anything else must equal the model exactly. */
function compileMatcher(pattern: string | undefined): (model: string) => boolean {
  if (pattern === undefined) return () => true;
  const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (regex) {
    const re = new RegExp(regex[1]!, regex[2]);
    return (model) => re.test(model);
  }
  if (pattern.includes("*")) {
    const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
    const re = new RegExp(`^${escaped.join(".*")}$`);
    return (model) => re.test(model);
  }
  return (model) => model === pattern;
}

export function resolveOptions(input: MockGatewayOptions = {}): GatewayConfig {
  const parsed = optionsSchema.safeParse(input);
  const file = input.scenarioFile;
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    if (file !== undefined) throw new InvalidScenarioError({ file, issues });
    throw new InvalidOptionsError({ issues });
  }
  const options = parsed.data;
  const where = file === undefined ? "options" : `scenario ${file}`;

  const rules: ScriptRule[] = [];
  const problems: { path: string; message: string }[] = [];
  for (const [index, rule] of (options.rules ?? []).entries()) {
    try {
      rules.push({
        pattern: rule.match.model ?? "*",
        matches: compileMatcher(rule.match.model),
        steps: steps(rule.faults, `${where} rules[${index}].faults`),
      });
    } catch (error) {
      const path = InvalidFaultStepError.isInstance(error)
        ? `rules[${index}].faults`
        : `rules[${index}].match.model`;
      problems.push({ path, message: (error as Error).message });
    }
  }
  let faultKinds: FaultStep[] = [];
  try {
    faultKinds = steps(options.faultKinds ?? DEFAULT_FAULT_KINDS, `${where} faultKinds`);
    if (faultKinds.length === 0)
      problems.push({ path: "faultKinds", message: "must list at least one step" });
  } catch (error) {
    problems.push({ path: "faultKinds", message: (error as Error).message });
  }
  if (problems.length > 0) {
    if (file !== undefined) throw new InvalidScenarioError({ file, issues: problems });
    throw new InvalidOptionsError({ issues: problems });
  }

  return {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    apiKey: options.apiKey,
    seed: options.seed ?? 1,
    faultRate: options.faultRate ?? 0,
    faultKinds,
    rules,
    providers: new Map(Object.entries(options.providers ?? {})),
    latency: { firstByte: options.latencyMs?.firstByte ?? 0, perChunk: options.latencyMs?.perChunk ?? 0 },
    cost: options.cost ?? false,
    models: options.models ?? DEFAULT_MODELS,
    stallTimeoutMs: options.stallTimeoutMs ?? 60_000,
    maxTrackedKeys: options.maxTrackedKeys ?? 100_000,
    idempotency: {
      windowMs: options.idempotency?.windowMs ?? DEFAULT_IDEMPOTENCY_BUDGET.windowMs,
      maxKeys: options.idempotency?.maxKeys ?? DEFAULT_IDEMPOTENCY_BUDGET.maxKeys,
      maxBytes: options.idempotency?.maxBytes ?? DEFAULT_IDEMPOTENCY_BUDGET.maxBytes,
    },
  };
}
