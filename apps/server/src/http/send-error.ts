import type { ServerResponse } from "node:http";
import type { ServerError } from "../errors/server-error.js";
import { sendJson } from "./send-json.js";

/** The one JSON error shape of every endpoint. */
export interface ErrorBody {
  error: {
    type: string;
    code: string;
    message: string;
    details?: Record<string, unknown>;
    requestId: string;
  };
}

export function errorBody(error: ServerError, requestId: string): ErrorBody {
  return {
    error: {
      type: error.type,
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      requestId,
    },
  };
}

export function sendError(res: ServerResponse, error: ServerError, requestId: string): void {
  // A request answered before its body was read (refused early, too large, too slow) must not keep the connection:
  // Node would go on reading the rest of that body to reach the next request.
  if (!res.req.complete) res.setHeader("Connection", "close");
  if (error.retryAfterSeconds !== undefined && (error.status === 429 || error.status === 503)) {
    res.setHeader("Retry-After", String(Math.max(0, Math.ceil(error.retryAfterSeconds))));
  }
  // Node's own API, not Express's res.status().json() (the same bytes): the hot routes' responses are Node's.
  res.statusCode = error.status;
  sendJson(res, errorBody(error, requestId));
}
