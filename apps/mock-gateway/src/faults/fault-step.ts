/** How a 429/503 step sets its retry hint. */
export type RetryAfterSpec =
  | { kind: "seconds"; seconds: number }
  | { kind: "date"; seconds: number }
  | { kind: "ms"; ms: number }
  | { kind: "none" }
  | { kind: "raw"; text: string };

export const ERROR_STATUSES = [400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504] as const;
export type ErrorStatus = (typeof ERROR_STATUSES)[number];

/** One parsed step of a fault script; `text` keeps the step as written, for stats and the x-mock-step header. */
export type FaultStep = { text: string } & (
  | { kind: "ok" }
  | { kind: "status"; status: ErrorStatus; retryAfter?: RetryAfterSpec }
  | { kind: "reset" }
  | { kind: "delay"; ms: number }
  | { kind: "stall"; after: number }
  | { kind: "cut"; after: number }
  | { kind: "malformed" }
  | { kind: "inband-error"; after: number }
  | { kind: "drip"; ms: number }
  | { kind: "failover"; provider: string; model: string }
  | { kind: "cache-hit" }
);

export const OK_STEP: FaultStep = { kind: "ok", text: "ok" };

/** The name a step is counted under in `stats().faultsServed`: the status code or the kind. */
export function stepLabel(step: FaultStep): string {
  return step.kind === "status" ? String(step.status) : step.kind;
}
