import { ServerError } from "./server-error.js";

/**
 * A request named a cost-attribution dimension its client did not declare, or a value outside the declared ones.
 * Refused (422) rather than recorded as "other": a typo in a feature name should fail loudly in the client app's
 * tests, not quietly move its cost into a bucket nobody watches.
 */
export class DimensionNotAllowedError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.DimensionNotAllowedError");
  readonly dimension: string;
  /** The declared values; empty when the dimension itself is not declared for this client. */
  readonly allowed: readonly string[];

  constructor({
    dimension,
    allowed,
    keyId,
  }: { dimension: string; allowed: readonly string[]; keyId: string }) {
    super({
      type: "validation_error",
      code: "dimension_not_allowed",
      message:
        allowed.length === 0
          ? `dimensions.${dimension}: client "${keyId}" declares no dimension "${dimension}". Declare it with its allowed values under this key's dimensions in the client credentials file, or leave it out.`
          : `dimensions.${dimension}: the value is not one client "${keyId}" declared for "${dimension}" (allowed: ${allowed.join(", ")}). Send one of those, or add the value to this key's dimensions in the client credentials file.`,
      details: { dimension, allowed: [...allowed] },
    });
    this.name = "DimensionNotAllowedError";
    this.dimension = dimension;
    this.allowed = allowed;
  }
}
