import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";

/**
 * Which deadline fired: `attempt` (no response headers within `timeouts.attemptMs`), `idle` (no body bytes for
 * `timeouts.idleMs`), `overall` (the whole call, retries and fallbacks included, exceeded `deadlineMs`).
 */
export type DeadlineKind = "attempt" | "idle" | "overall";

export class TimeoutError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.timeout-error");
  readonly deadline: DeadlineKind;
  readonly timeoutMs: number;

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable" | "message"> & {
      deadline: DeadlineKind;
      timeoutMs: number;
      message?: string;
    },
  ) {
    const what = {
      attempt: "no response headers arrived",
      idle: "the response went silent",
      overall: "the call (retries and fallbacks included) did not finish",
    }[options.deadline];
    const fix = {
      attempt: "raise timeouts.attemptMs or check the gateway's health",
      idle: "raise timeouts.idleMs for slow models, or check the gateway's health",
      overall: "raise deadlineMs (client or per call), or lower retry.maxAttempts",
    }[options.deadline];
    super({
      ...options,
      message:
        options.message ??
        `Gateway ${options.deadline} timeout: ${what} within ${options.timeoutMs} ms${options.model ? ` for model "${options.model}"` : ""}; ${fix}.`,
      code: "timeout",
      origin: "upstream",
      // The overall deadline is the caller's budget: retrying inside the same call cannot help.
      retryable: options.deadline !== "overall",
    });
    this.name = "TimeoutError";
    this.deadline = options.deadline;
    this.timeoutMs = options.timeoutMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), deadline: this.deadline, timeoutMs: this.timeoutMs };
  }
}
