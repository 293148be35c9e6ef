import { ServerError } from "../errors/server-error.js";

/** A mapper recognises errors from one package and converts them; the first that answers wins. */
export type ErrorMapper = (error: unknown) => ServerError | undefined;

function bodyParserError(error: unknown): ServerError | undefined {
  if (typeof error !== "object" || error === null || !("type" in error)) return undefined;
  const { type } = error as { type: unknown; limit?: unknown; length?: unknown };
  if (type === "entity.too.large") {
    const limit = (error as { limit?: number }).limit;
    return new ServerError({
      type: "payload_too_large",
      code: "body_too_large",
      message: `Request body is larger than the limit of ${limit ?? "?"} bytes; send a smaller input or ask the operator to raise PROMPTREG_BODY_LIMIT_BYTES.`,
      details: { limitBytes: limit },
    });
  }
  if (type === "request.aborted") {
    return new ServerError({
      type: "invalid_request",
      code: "request_aborted",
      message: "The client aborted the request body.",
    });
  }
  if (type === "request.size.invalid") {
    return new ServerError({
      type: "invalid_request",
      code: "content_length_mismatch",
      message: "The request body length does not match Content-Length.",
    });
  }
  if (type === "encoding.unsupported" || type === "charset.unsupported") {
    return new ServerError({
      type: "invalid_request",
      status: 415,
      code: "unsupported_encoding",
      message: "Unsupported Content-Encoding or charset; send an uncompressed UTF-8 JSON body.",
    });
  }
  return undefined;
}

/**
 * Converts anything thrown into a `ServerError`, once, at the HTTP boundary. Unknown throws become a generic 500
 * whose message reveals nothing internal (the details go to the log, never to the client).
 */
export function createErrorConverter(mappers: readonly ErrorMapper[]): (error: unknown) => ServerError {
  const all = [bodyParserError, ...mappers];
  return (error) => {
    if (ServerError.isInstance(error)) return error;
    for (const mapper of all) {
      const mapped = mapper(error);
      if (mapped) return mapped;
    }
    return new ServerError({
      type: "internal_error",
      code: "internal_error",
      message:
        "Internal error. It has been logged with this request id; report the id to the service operator.",
      origin: "internal",
      cause: error,
    });
  };
}
