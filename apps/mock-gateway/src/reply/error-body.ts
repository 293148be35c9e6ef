/** The gateway error shape of the protocol: OpenAI's `{error: {message, type}}` plus AI Stats / Phaseo fields. */
export interface GatewayErrorBody {
  error: {
    message: string;
    type: string;
    error_type: string;
    error_origin: "gateway" | "provider";
    reason: string;
    failed_providers: string[];
    attempt_count: number;
    generation_id: string;
    param?: string | null;
    code?: string | null;
  };
}

interface StatusInfo {
  type: string;
  origin: "gateway" | "provider";
  reason: string;
  message: string;
}

const STATUS_INFO: Record<number, StatusInfo> = {
  400: { type: "invalid_request_error", origin: "gateway", reason: "bad_request", message: "Bad request" },
  401: {
    type: "authentication_error",
    origin: "gateway",
    reason: "invalid_api_key",
    message: "Invalid API key",
  },
  403: { type: "permission_error", origin: "gateway", reason: "forbidden", message: "Forbidden" },
  404: { type: "not_found_error", origin: "gateway", reason: "not_found", message: "Not found" },
  408: { type: "timeout_error", origin: "gateway", reason: "request_timeout", message: "Request timed out" },
  409: { type: "conflict_error", origin: "gateway", reason: "conflict", message: "Conflict" },
  422: {
    type: "invalid_request_error",
    origin: "provider",
    reason: "unprocessable_entity",
    message: "The provider could not process the request",
  },
  429: {
    type: "rate_limit_error",
    origin: "provider",
    reason: "rate_limited",
    message: "Rate limit exceeded",
  },
  500: {
    type: "server_error",
    origin: "gateway",
    reason: "internal_error",
    message: "Internal gateway error",
  },
  502: {
    type: "upstream_error",
    origin: "provider",
    reason: "bad_gateway",
    message: "The provider returned an invalid response",
  },
  503: {
    type: "service_unavailable",
    origin: "provider",
    reason: "provider_unavailable",
    message: "The provider is temporarily unavailable",
  },
  504: {
    type: "timeout_error",
    origin: "provider",
    reason: "upstream_timeout",
    message: "The provider did not answer in time",
  },
};

/** The error body for a scripted status fault (or any other status the mock answers with). */
export function gatewayErrorBody(options: {
  status: number;
  provider: string;
  generationId: string;
  message?: string;
  param?: string | null;
  code?: string | null;
  type?: string;
}): GatewayErrorBody {
  const info = STATUS_INFO[options.status] ?? STATUS_INFO[500]!;
  const type = options.type ?? info.type;
  return {
    error: {
      message: options.message ?? `${info.message} (mock gateway, status ${options.status})`,
      type,
      error_type: type,
      error_origin: info.origin,
      reason: info.reason,
      failed_providers: info.origin === "provider" ? [options.provider] : [],
      attempt_count: 1,
      generation_id: options.generationId,
      ...(options.param !== undefined ? { param: options.param } : {}),
      ...(options.code !== undefined ? { code: options.code } : {}),
    },
  };
}
