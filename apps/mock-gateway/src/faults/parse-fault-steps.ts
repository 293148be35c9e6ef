import { InvalidFaultStepError } from "../errors/invalid-fault-step-error.js";
import { ERROR_STATUSES, type ErrorStatus, type FaultStep, type RetryAfterSpec } from "./fault-step.js";

const MAX_STEPS = 1000;
const MAX_MS = 600_000;
const KINDS =
  "ok, 400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504, reset, delay, stall, cut, malformed, inband-error, drip, failover, cache-hit";

type Params = Map<string, string | undefined>;

interface StepContext {
  text: string;
  position: number;
  origin: string;
}

function fail(ctx: StepContext, reason: string): never {
  throw new InvalidFaultStepError({ step: ctx.text, position: ctx.position, source: ctx.origin, reason });
}

function parseParams(ctx: StepContext, raw: string): Params {
  const params: Params = new Map();
  for (const part of raw.split(";")) {
    if (part === "") fail(ctx, "empty parameter (check for a stray `;` or a `:` with nothing after it)");
    const eq = part.indexOf("=");
    const name = (eq === -1 ? part : part.slice(0, eq)).trim();
    const value = eq === -1 ? undefined : part.slice(eq + 1);
    if (name === "") fail(ctx, `parameter "${part}" has no name`);
    if (params.has(name)) fail(ctx, `parameter "${name}" is given twice`);
    params.set(name, value);
  }
  return params;
}

function onlyAllowed(ctx: StepContext, kind: string, params: Params, allowed: readonly string[]): void {
  for (const name of params.keys()) {
    if (!allowed.includes(name)) {
      const hint = allowed.length === 0 ? "it takes no parameters" : `allowed: ${allowed.join(", ")}`;
      fail(ctx, `unknown parameter "${name}" for ${kind} (${hint})`);
    }
  }
}

function integer(ctx: StepContext, params: Params, name: string, { min, max }: { min: number; max: number }) {
  const value = params.get(name);
  if (value === undefined) fail(ctx, `parameter "${name}" needs a value, e.g. ${name}=3`);
  if (!/^-?\d+$/.test(value.trim())) fail(ctx, `parameter "${name}" must be an integer, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) fail(ctx, `parameter "${name}" must be between ${min} and ${max}, got ${n}`);
  return n;
}

function required(ctx: StepContext, kind: string, params: Params, name: string, example: string): void {
  if (!params.has(name)) fail(ctx, `${kind} needs the parameter "${name}", e.g. ${example}`);
}

function parseRetryAfter(ctx: StepContext, params: Params): RetryAfterSpec | undefined {
  if (params.size > 1) fail(ctx, "give at most one of s, date, ms, none, raw");
  const [name] = params.keys();
  switch (name) {
    case undefined:
      return undefined;
    case "s":
      return { kind: "seconds", seconds: integer(ctx, params, "s", { min: 0, max: 86_400 }) };
    case "date":
      return { kind: "date", seconds: integer(ctx, params, "date", { min: -86_400, max: 86_400 }) };
    case "ms":
      return { kind: "ms", ms: integer(ctx, params, "ms", { min: 0, max: 86_400_000 }) };
    case "none":
      if (params.get("none") !== undefined) fail(ctx, 'parameter "none" takes no value');
      return { kind: "none" };
    case "raw": {
      const text = params.get("raw") ?? "";
      // The text becomes a header value: refuse what node:http would reject mid-response.
      if (!/^[\t\x20-\x7e]*$/.test(text))
        fail(ctx, "parameter raw must be printable ASCII (it becomes a header value)");
      return { kind: "raw", text };
    }
    default:
      return fail(ctx, `unknown parameter "${name}" (allowed: s, date, ms, none, raw)`);
  }
}

/** Parses one step such as `429:s=2` or `failover:provider=anthropic;model=claude-3-5-haiku`. */
export function parseFaultStep(text: string, { position = 1, origin = "fault list" } = {}): FaultStep {
  const ctx: StepContext = { text, position, origin };
  const trimmed = text.trim();
  if (trimmed === "") fail(ctx, "empty step (check for a doubled or trailing comma)");
  const colon = trimmed.indexOf(":");
  const kind = (colon === -1 ? trimmed : trimmed.slice(0, colon)).trim().toLowerCase();
  const params = colon === -1 ? new Map() : parseParams(ctx, trimmed.slice(colon + 1));
  const step = { text: trimmed };

  const status = Number(kind);
  if (/^\d{3}$/.test(kind) && (ERROR_STATUSES as readonly number[]).includes(status)) {
    if (status === 429 || status === 503) {
      const retryAfter = parseRetryAfter(ctx, params);
      const base = { ...step, kind: "status" as const, status: status as ErrorStatus };
      if (status === 429) return { ...base, retryAfter: retryAfter ?? { kind: "seconds", seconds: 1 } };
      return retryAfter === undefined ? base : { ...base, retryAfter };
    }
    onlyAllowed(ctx, kind, params, []);
    return { ...step, kind: "status", status: status as ErrorStatus };
  }

  switch (kind) {
    case "ok":
    case "reset":
    case "malformed":
    case "cache-hit":
      onlyAllowed(ctx, kind, params, []);
      return { ...step, kind };
    case "delay":
    case "drip":
      onlyAllowed(ctx, kind, params, ["ms"]);
      required(ctx, kind, params, "ms", `${kind}:ms=200`);
      return { ...step, kind, ms: integer(ctx, params, "ms", { min: 0, max: MAX_MS }) };
    case "stall":
    case "cut":
    case "inband-error":
      onlyAllowed(ctx, kind, params, ["after"]);
      required(ctx, kind, params, "after", `${kind}:after=2`);
      return { ...step, kind, after: integer(ctx, params, "after", { min: 0, max: 10_000 }) };
    case "failover": {
      onlyAllowed(ctx, kind, params, ["provider", "model"]);
      required(ctx, kind, params, "provider", "failover:provider=anthropic;model=claude-3-5-haiku");
      const provider = params.get("provider")?.trim() ?? "";
      const model = params.get("model")?.trim() || undefined;
      if (!/^[\w.-]+$/.test(provider))
        fail(ctx, "provider must be a name of letters, digits, '.', '_' or '-'");
      if (model !== undefined && !/^[\x21-\x7e]+$/.test(model)) fail(ctx, "model must be printable ASCII");
      return { ...step, kind, provider, model: model ?? `${provider}/failover` };
    }
    default:
      if (/^\d{3}$/.test(kind)) return fail(ctx, `status ${kind} is not scriptable (use one of ${KINDS})`);
      return fail(ctx, `unknown kind "${kind}" (use one of ${KINDS})`);
  }
}

/** Parses a comma-separated step list (the x-mock-faults header format). Empty input means no script. */
export function parseFaultSteps(list: string, { origin = "x-mock-faults header" } = {}): FaultStep[] {
  if (list.trim() === "") return [];
  const parts = list.split(",");
  if (parts.length > MAX_STEPS) {
    throw new InvalidFaultStepError({
      step: `${parts.length} steps`,
      position: MAX_STEPS + 1,
      source: origin,
      reason: `at most ${MAX_STEPS} steps are allowed`,
    });
  }
  return parts.map((text, index) => parseFaultStep(text, { position: index + 1, origin }));
}
