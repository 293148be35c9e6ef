/**
 * The codes the SDK raises itself, for failures that never reached an answer from the service (or whose answer was
 * unusable). With the service's `SERVICE_ERROR_CODES` they make up every `PromptregError.code`.
 */
export const CLIENT_ERROR_CODES = {
  /** `InvalidClientOptionsError`: `createClient` / `createSigningFetch` got an option it cannot use. */
  invalid_client_options: "invalid_client_options",
  /** `ConnectionError`: DNS, TCP, TLS or a reset; no answer arrived. */
  connection_failed: "connection_failed",
  /** `RequestTimeoutError`: no complete answer within `timeoutMs`. */
  timeout: "timeout",
  /** `RequestAbortedError`: the caller's AbortSignal fired. */
  aborted: "aborted",
  /** `InvalidResponseError`: a 2xx whose body is not JSON (`invalid_json` is the service's 400 code as well). */
  invalid_json: "invalid_json",
  /** `InvalidResponseError`: a 2xx JSON answer without the documented fields. */
  unexpected_shape: "unexpected_shape",
  /** `InvalidResponseError`: a stream answer that is not `text/event-stream`. */
  not_event_stream: "not_event_stream",
  /** `InvalidResponseError`: a stream event that is not the documented JSON. */
  invalid_event: "invalid_event",
  /** `InvalidResponseError`: the stream's final event lacks the run result. */
  invalid_final_event: "invalid_final_event",
  /** `StreamError`: an error event without a code of its own. */
  stream_error: "stream_error",
  /** `IncompleteStreamError`: the stream ended before its final event. */
  incomplete_stream: "incomplete_stream",
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

/** The code of a non-2xx answer without the documented error body (a proxy's 502 page): `http_502`. */
export type HttpStatusErrorCode = `http_${number}`;

/** Why `verifyWebhook` refused a request: answer it 401 (400 for `invalid_body`) and do not act on it. */
export const WEBHOOK_VERIFICATION_REASONS = {
  missing_header: "missing_header",
  malformed_header: "malformed_header",
  unknown_key: "unknown_key",
  stale_timestamp: "stale_timestamp",
  signature_mismatch: "signature_mismatch",
  replayed_nonce: "replayed_nonce",
  invalid_body: "invalid_body",
} as const;

export type WebhookVerificationReason = keyof typeof WEBHOOK_VERIFICATION_REASONS;
