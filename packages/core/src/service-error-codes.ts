/**
 * The `type` field of the service's JSON error shape and the HTTP status each implies: a small closed set callers can
 * switch on. It lives here, not in the service, so the client SDK (which must not load server code) types its
 * errors with the same set.
 */
export const SERVICE_ERROR_TYPES = {
  invalid_request: 400,
  authentication_error: 401,
  not_found: 404,
  client_timeout: 408,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_error: 422,
  rate_limited: 429,
  internal_error: 500,
  not_implemented: 501,
  upstream_error: 502,
  unavailable: 503,
  timeout: 504,
} as const;

export type ServiceErrorType = keyof typeof SERVICE_ERROR_TYPES;

/**
 * Every `code` the service puts in an error answer (`{ error: { type, code, ... } }`), on every endpoint and in
 * stream error events: one closed map, so the service cannot emit a code nobody listed and the client SDK narrows on
 * `error.code`. docs/api.md's error table is checked against it. Add a code here first, then emit it.
 */
export const SERVICE_ERROR_CODES = {
  // 400 invalid_request
  invalid_json: "invalid_json",
  invalid_body: "invalid_body",
  invalid_reference: "invalid_reference",
  invalid_path: "invalid_path",
  request_aborted: "request_aborted",
  content_length_mismatch: "content_length_mismatch",
  invalid_cursor: "invalid_cursor",
  // 401 authentication_error: why the signature was refused
  missing_headers: "missing_headers",
  unknown_key: "unknown_key",
  stale_timestamp: "stale_timestamp",
  replayed_nonce: "replayed_nonce",
  signature_mismatch: "signature_mismatch",
  // 404 not_found
  template_not_found: "template_not_found",
  route_not_found: "route_not_found",
  batch_not_found: "batch_not_found",
  // 408 client_timeout
  body_timeout: "body_timeout",
  // 413 payload_too_large
  body_too_large: "body_too_large",
  batch_limit_exceeded: "batch_limit_exceeded",
  // 415 unsupported_media_type
  unsupported_content_type: "unsupported_content_type",
  unsupported_encoding: "unsupported_encoding",
  // 422 validation_error
  input_invalid: "input_invalid",
  missing_variable: "missing_variable",
  dimension_not_allowed: "dimension_not_allowed",
  invalid_gateway_request: "invalid_gateway_request",
  // 429 rate_limited
  rate_limited: "rate_limited",
  nonce_capacity_exceeded: "nonce_capacity_exceeded",
  // 499: the client went away
  client_closed: "client_closed",
  // 500 internal_error
  internal_error: "internal_error",
  template_broken: "template_broken",
  // 501: a feature this deployment has not configured
  batches_not_configured: "batches_not_configured",
  // 502 upstream_error
  upstream_error: "upstream_error",
  upstream_auth: "upstream_auth",
  upstream_rejected: "upstream_rejected",
  output_invalid: "output_invalid",
  // 503 unavailable
  upstream_rate_limited: "upstream_rate_limited",
  upstream_unavailable: "upstream_unavailable",
  not_ready: "not_ready",
  shutting_down: "shutting_down",
  shared_state_unavailable: "shared_state_unavailable",
  // 504 timeout
  upstream_timeout: "upstream_timeout",
  request_timeout: "request_timeout",
} as const;

export type ServiceErrorCode = keyof typeof SERVICE_ERROR_CODES;
