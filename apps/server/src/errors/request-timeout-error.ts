import { ServerError } from "./server-error.js";

/**
 * The request used up PROMPTREG_REQUEST_TIMEOUT_MS in its run: the run pipeline's `RunDeadlineError`, whether the
 * deadline passed between two model calls or cut one in flight (504). The one code for "the request's deadline
 * passed"; `upstream_timeout` is the gateway's own shorter limits (attempt, idle, GATEWAY_DEADLINE_MS).
 */
export class RequestTimeoutError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.RequestTimeoutError");
  /** Model calls made when the deadline passed, a cut one included. */
  readonly attempts: number;

  constructor({ attempts, cutCall, cause }: { attempts: number; cutCall: boolean; cause?: unknown }) {
    super({
      type: "timeout",
      code: "request_timeout",
      message: `The request's time budget (PROMPTREG_REQUEST_TIMEOUT_MS) ran out after ${attempts} model call(s)${cutCall ? ", and the call in flight was cancelled" : ", before the output could be repaired"}. Retry, or ask the operator to raise the limit for slow templates.`,
      origin: "upstream",
      details: { attempts },
      cause,
    });
    this.name = "RequestTimeoutError";
    this.attempts = attempts;
  }
}
