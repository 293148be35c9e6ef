import { BatchLimitError, BatchNotFoundError, InvalidCursorError } from "@promptreg/batches";
import {
  AbortedError,
  AuthError,
  BadRequestError,
  CircuitOpenError,
  ConcurrencyLimitError,
  GatewayError,
  IncompleteStreamError,
  InvalidConfigError,
  RateLimitError,
  RetryBudgetExceededError,
  TimeoutError,
  UpstreamError,
} from "@promptreg/gateway";
import { BundleError, InvalidReferenceError, TemplateNotFoundError } from "@promptreg/registry";
import { InputValidationError, MissingVariableError, RenderError } from "@promptreg/renderer";
import { RunDeadlineError, RunOutputInvalidError } from "@promptreg/runtime";
import { ClientClosedError } from "../errors/client-closed-error.js";
import { OutputInvalidError } from "../errors/output-invalid-error.js";
import { RequestTimeoutError } from "../errors/request-timeout-error.js";
import { ServerError } from "../errors/server-error.js";
import type { ErrorMapper } from "./to-server-error.js";

/** The run pipeline's own failures: a reply that stays invalid after the repairs, a deadline used up between calls. */
function runtimeError(error: unknown): ServerError | undefined {
  if (RunOutputInvalidError.isInstance(error)) {
    return new OutputInvalidError({
      templateId: error.templateId,
      version: error.version,
      attempts: error.attempts,
      reason: error.reason,
      detail: error.detail,
      issues: error.issues,
      text: error.text,
    });
  }
  if (RunDeadlineError.isInstance(error)) {
    // The run's deadline is the request's (PROMPTREG_REQUEST_TIMEOUT_MS), between calls or cutting one alike.
    return new RequestTimeoutError({ attempts: error.attempts, cutCall: error.cutCall, cause: error });
  }
  return undefined;
}

function registryError(error: unknown): ServerError | undefined {
  if (TemplateNotFoundError.isInstance(error)) {
    return new ServerError({
      type: "not_found",
      code: "template_not_found",
      message: error.message,
      details: {
        kind: error.kind,
        reference: error.reference,
        templateId: error.templateId,
        suggestions: [...error.suggestions],
      },
      cause: error,
    });
  }
  if (InvalidReferenceError.isInstance(error)) {
    return new ServerError({
      type: "invalid_request",
      code: "invalid_reference",
      message: error.message,
      details: { reference: error.reference, position: error.position, reason: error.reason },
      cause: error,
    });
  }
  if (BundleError.isInstance(error)) {
    // Served from a bundle checked on first use (PROMPTREG_BUNDLE): this id's entry was changed after it was built.
    // The other ids keep serving; the operator has to rebuild or restore the bundle. The bundle path and reason go
    // to the log with the cause, not to the client.
    return new ServerError({
      type: "internal_error",
      code: "template_broken",
      origin: "internal",
      message:
        "This template's entry in the served bundle failed its integrity check (a deployment problem: report it to the service operator with this request id).",
      cause: error,
    });
  }
  return undefined;
}

function rendererError(error: unknown): ServerError | undefined {
  if (InputValidationError.isInstance(error)) {
    return new ServerError({
      type: "validation_error",
      code: "input_invalid",
      message: error.message,
      details: { templateId: error.templateId, version: error.version, issues: [...error.issues] },
      cause: error,
    });
  }
  if (MissingVariableError.isInstance(error)) {
    return new ServerError({
      type: "validation_error",
      code: "missing_variable",
      message: error.message,
      details: {
        templateId: error.templateId,
        version: error.version,
        messageIndex: error.messageIndex,
        variable: error.variable,
      },
      cause: error,
    });
  }
  if (RenderError.isInstance(error)) {
    // Compile errors and unknown helpers are template bugs: the caller cannot fix them, the template owner can.
    return new ServerError({
      type: "internal_error",
      code: "template_broken",
      origin: "internal",
      message: `${error.message} (a template problem: report it to the template's owners).`,
      cause: error,
    });
  }
  return undefined;
}

const seconds = (ms: number | undefined) =>
  ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000));

const TIMEOUT_WHAT = {
  attempt: "sent no response headers in time",
  idle: "went silent in the middle of its answer",
  overall: "did not finish within this request's time budget",
} as const;

const STREAM_WHAT = {
  cut: "was cut off",
  idle: "stalled past the idle timeout",
  deadline: "was still running at the deadline",
  inband_error: "reported an error",
  malformed: "sent a malformed frame",
  too_large: "sent more than the service reads of one answer",
} as const;

/** Where the gateway's own words are: the service log, under the request id (never the response). */
const SEE_LOG = "The service log has the gateway's answer under this request id.";

/**
 * Gateway failures are never the client app's fault as far as this service is concerned (the template, not the
 * caller, chose the model and parameters), so they map to 502/503/504 and keep the gateway's own code in details.
 * Messages are written here, never copied from the gateway error: its text names the gateway URL (with any
 * credentials in it), internal hosts and ports, and echoes the upstream's raw error body. That text stays on
 * `cause`, which the request log line records with URL credentials redacted.
 */
function gatewayError(thrown: unknown): ServerError | undefined {
  if (!GatewayError.isInstance(thrown)) return undefined;
  const error: GatewayError = thrown;
  // Subclasses are told apart on an unknown-typed reference: several add no fields to GatewayError, so ruling one
  // out on `error` itself would narrow `error` to never.
  const which: unknown = thrown;
  if (AbortedError.isInstance(which)) return abortedError(which);
  if (InvalidConfigError.isInstance(which)) return invalidConfigError(which);
  const details = {
    gatewayCode: error.code,
    gatewayOrigin: error.origin,
    attempts: error.attempts,
    model: error.model,
    upstreamRequestId: error.requestId,
    ...(IncompleteStreamError.isInstance(which) ? { reason: which.reason } : {}),
  };
  const base = { origin: "upstream" as const, details, cause: error };
  if (RateLimitError.isInstance(which)) {
    return new ServerError({
      ...base,
      type: "unavailable",
      code: "upstream_rate_limited",
      message: "The model gateway is rate limiting this service. Retry after the Retry-After delay.",
      retryAfterSeconds: seconds(which.retryAfterMs) ?? 1,
    });
  }
  if (TimeoutError.isInstance(which)) {
    return new ServerError({
      ...base,
      type: "timeout",
      code: "upstream_timeout",
      message: `The model gateway ${TIMEOUT_WHAT[which.deadline]} (${which.deadline} timeout, ${which.timeoutMs} ms). Retry the call; if it persists, tell the service operator.`,
    });
  }
  if (
    CircuitOpenError.isInstance(which) ||
    RetryBudgetExceededError.isInstance(which) ||
    ConcurrencyLimitError.isInstance(which) ||
    (UpstreamError.isInstance(which) && which.status === 503)
  ) {
    return new ServerError({
      ...base,
      type: "unavailable",
      code: "upstream_unavailable",
      message: `The model gateway is unavailable (${error.code}). Retry after the Retry-After delay.`,
      retryAfterSeconds: (UpstreamError.isInstance(which) ? seconds(which.retryAfterMs) : undefined) ?? 1,
    });
  }
  if (AuthError.isInstance(which)) {
    return new ServerError({
      ...base,
      type: "upstream_error",
      code: "upstream_auth",
      message:
        "The model gateway rejected this service's API key, or the key could not be read. The operator must fix GATEWAY_API_KEY, GATEWAY_API_KEY_FILE or GATEWAY_API_KEY_COMMAND.",
    });
  }
  if (BadRequestError.isInstance(which)) {
    return new ServerError({
      ...base,
      type: "upstream_error",
      code: "upstream_rejected",
      message: `The model gateway refused the request the template produced (status ${which.status ?? "unknown"}); check the template's model name and params. ${SEE_LOG}`,
    });
  }
  if (IncompleteStreamError.isInstance(which)) {
    return new ServerError({
      ...base,
      type: "upstream_error",
      code: "upstream_error",
      message: `The model's answer stream ${STREAM_WHAT[which.reason]} after ${which.partialText.length} characters. Retry the call. ${SEE_LOG}`,
    });
  }
  return new ServerError({
    ...base,
    type: "upstream_error",
    code: "upstream_error",
    message: `The model gateway failed (${error.code}${error.status === undefined ? "" : `, status ${error.status}`}). Retry the call. ${SEE_LOG}`,
  });
}

/**
 * The gateway call was cancelled by its AbortSignal. The signal's reason (the error's `cause`) says why: a shutdown
 * is already a `ServerError` and wins; anything else means the caller went away. That is
 * logged and counted as `client_closed` (499, caller origin): never a 5xx, never an upstream error.
 */
function abortedError(error: AbortedError): ServerError {
  if (ServerError.isInstance(error.cause)) return error.cause;
  return new ClientClosedError({ cause: error, details: { gatewayCode: error.code, model: error.model } });
}

/**
 * The gateway client refused a value before sending anything. A `request.*` field (model, messages, fallbacks, or
 * a template param such as `fallbacks` that lands in the request) is a 422 naming the field: nothing reached the
 * gateway and retrying the same call cannot help. Any other path (`options.*`, client config) is this service's
 * own bug: a 500 with the field in the log.
 */
function invalidConfigError(error: InvalidConfigError): ServerError {
  if (error.path === "request" || error.path.startsWith("request.")) {
    const field = error.path.slice("request.".length) || "request";
    return new ServerError({
      type: "validation_error",
      code: "invalid_gateway_request",
      message: `The model request built for this call has an invalid field "${field}" and was not sent: ${error.message} The template's model settings (name, params, fallbacks) produce this field; ask its owners to fix it or pick another version.`,
      details: { field, gatewayCode: error.code },
      cause: error,
    });
  }
  return new ServerError({
    type: "internal_error",
    code: "internal_error",
    origin: "internal",
    message:
      "Internal error. It has been logged with this request id; report the id to the service operator.",
    cause: error,
  });
}

/** The batch store's errors: an unknown (or another client's) batch, a budget, a cursor it did not hand out. */
function batchError(error: unknown): ServerError | undefined {
  if (BatchNotFoundError.isInstance(error)) {
    return new ServerError({
      type: "not_found",
      code: "batch_not_found",
      message: error.message,
      details: { batchId: error.batchId },
    });
  }
  if (BatchLimitError.isInstance(error)) {
    return new ServerError({
      type: error.retryable ? "unavailable" : "payload_too_large",
      code: "batch_limit_exceeded",
      message: error.message,
      details: {
        limit: error.limit,
        max: error.max,
        actual: error.actual,
        path: error.path,
        variable: error.variable,
      },
      ...(error.retryable ? { retryAfterSeconds: 30 } : {}),
    });
  }
  if (InvalidCursorError.isInstance(error)) {
    return new ServerError({ type: "invalid_request", code: "invalid_cursor", message: error.message });
  }
  return undefined;
}

export const packageErrorMappers: ErrorMapper[] = [
  runtimeError,
  registryError,
  rendererError,
  gatewayError,
  batchError,
];
