import { quote } from "@promptreg/core";
import { MockGatewayError } from "./mock-gateway-error.js";

/**
 * An Idempotency-Key already answered a request with another body (422, like Stripe's and OpenAI's idempotency
 * errors): replaying the first reply would answer a question that was not asked, running it would charge twice.
 */
export class IdempotencyConflictError extends MockGatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.mock-gateway.IdempotencyConflictError");
  /** The key that was reused. */
  readonly key: string;

  constructor(options: { key: string }) {
    super({
      code: "idempotency_conflict",
      message: `Idempotency-Key ${quote(options.key.slice(0, 200))} was already used with a different request body; reuse a key only to retry the identical request, and send a new key for a new request.`,
    });
    this.name = "IdempotencyConflictError";
    this.key = options.key;
  }
}
