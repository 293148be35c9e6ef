import type { ItemError } from "./batch-types.js";

/**
 * The default description of a failed item when the host gives none: the error's own `code` and `retryable`
 * fields when it has them (every promptreg error does), else an internal error that reveals nothing. The service
 * passes its HTTP error converter instead, so an item fails with the same code and type as /v1/run would.
 */
export function describeErrorByFields(error: unknown): ItemError {
  const fields = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown;
    retryable?: unknown;
    message?: unknown;
  };
  if (typeof fields.code === "string" && typeof fields.message === "string") {
    return {
      code: fields.code,
      type: fields.retryable === true ? "upstream_error" : "invalid_request",
      message: fields.message,
      retryable: fields.retryable === true,
    };
  }
  return { code: "internal_error", type: "internal_error", message: "Internal error.", retryable: true };
}
