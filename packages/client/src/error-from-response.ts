import { AuthenticationError } from "./errors/authentication-error.js";
import { InvalidRequestError } from "./errors/invalid-request-error.js";
import { NotFoundError } from "./errors/not-found-error.js";
import { PermissionDeniedError } from "./errors/permission-denied-error.js";
import {
  PromptregError,
  type PromptregErrorCode,
  type PromptregErrorOptions,
} from "./errors/promptreg-error.js";
import { RateLimitedError } from "./errors/rate-limited-error.js";
import { UpstreamError } from "./errors/upstream-error.js";

interface ServerErrorBody {
  type?: unknown;
  code?: unknown;
  message?: unknown;
  details?: unknown;
  requestId?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads `{ error: { type, code, message, details?, requestId } }`; also accepts the inner object on its own (SSE error frames). */
export function readServerError(value: unknown): ServerErrorBody | undefined {
  if (!isRecord(value)) return undefined;
  const inner = isRecord(value.error) ? value.error : value;
  if (typeof inner.code !== "string" && typeof inner.message !== "string") return undefined;
  return inner;
}

/** Field values from an error body, with fallbacks for bodies that are not the documented shape. */
export function errorFields(options: {
  parsed: ServerErrorBody | undefined;
  status: number | undefined;
  fallbackType: string;
  fallbackCode: PromptregErrorCode;
  fallbackMessage: string;
  headerRequestId: string | undefined;
}): PromptregErrorOptions {
  const { parsed, status } = options;
  const requestId =
    typeof parsed?.requestId === "string" ? parsed.requestId : (options.headerRequestId ?? undefined);
  const fields: PromptregErrorOptions = {
    type: typeof parsed?.type === "string" ? parsed.type : options.fallbackType,
    // The service's codes are SERVICE_ERROR_CODES; one added by a newer service passes through unchanged.
    code: typeof parsed?.code === "string" ? (parsed.code as PromptregErrorCode) : options.fallbackCode,
    message: typeof parsed?.message === "string" ? parsed.message : options.fallbackMessage,
  };
  if (status !== undefined) fields.status = status;
  if (requestId !== undefined) fields.requestId = requestId;
  if (isRecord(parsed?.details)) fields.details = parsed.details;
  return fields;
}

/** Maps a non-2xx answer to the typed error of its status. */
export function errorFromResponse(options: {
  status: number;
  bodyText: string;
  requestId: string | undefined;
  retryAfterMs: number | undefined;
  what: string;
}): PromptregError {
  const { status, bodyText, what } = options;
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(bodyText);
  } catch {
    parsedJson = undefined;
  }
  const snippet = bodyText.length > 200 ? `${bodyText.slice(0, 200)}…` : bodyText;
  const fields = errorFields({
    parsed: readServerError(parsedJson),
    status,
    fallbackType: "http_error",
    fallbackCode: `http_${status}`,
    fallbackMessage: `the service answered HTTP ${status} without the documented error body${snippet ? `: ${snippet}` : ""}`,
    headerRequestId: options.requestId,
  });
  fields.message = `${what} failed (HTTP ${status}${fields.requestId ? `, request id ${fields.requestId}` : ""}): ${fields.message}`;
  if (status === 401) return new AuthenticationError(fields);
  if (status === 403) return new PermissionDeniedError(fields);
  if (status === 404) return new NotFoundError(fields);
  if (status === 400 || status === 413 || status === 422) return new InvalidRequestError(fields);
  if (status === 429) {
    return new RateLimitedError(
      options.retryAfterMs === undefined ? fields : { ...fields, retryAfterMs: options.retryAfterMs },
    );
  }
  if (status >= 500) return new UpstreamError(fields);
  return new PromptregError(fields);
}
