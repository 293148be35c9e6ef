import { redactKey } from "./api-key.js";
import { AuthError } from "./errors/auth-error.js";
import { BadRequestError } from "./errors/bad-request-error.js";
import type { GatewayError } from "./errors/gateway-error.js";
import { RateLimitError } from "./errors/rate-limit-error.js";
import type { GatewayErrorBody } from "./errors/upstream-error.js";
import { UpstreamError } from "./errors/upstream-error.js";
import type { TokenUsage } from "./types.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const str = (value: unknown) => (typeof value === "string" ? value : undefined);
const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** Replaces every occurrence of the key (a gateway may echo it) with its redacted form. */
export function scrubKey(text: string, key: string | undefined): string {
  if (!key || key.length < 4 || !text.includes(key)) return text;
  return text.split(key).join(redactKey(key));
}

/**
 * Reads an AI Stats / Phaseo or OpenAI error body: `{error: {message, type, error_type, error_origin, reason,
 * failed_providers, attempt_count, generation_id}}`, also accepting those fields at the top level or `error` as a string.
 */
export function parseErrorBody(text: string, key: string | undefined): GatewayErrorBody | undefined {
  const clean = scrubKey(text, key);
  let parsed: unknown;
  try {
    parsed = JSON.parse(clean);
  } catch {
    return clean.trim() === "" ? undefined : { message: clean.slice(0, 500), raw: clean.slice(0, 2000) };
  }
  if (!isObject(parsed)) return { raw: parsed };
  const inner = isObject(parsed.error) ? parsed.error : parsed;
  const message = str(inner.message) ?? str(parsed.error) ?? str(parsed.message);
  const failed = Array.isArray(inner.failed_providers)
    ? inner.failed_providers.filter((p): p is string => typeof p === "string")
    : undefined;
  const body: GatewayErrorBody = { raw: parsed };
  if (message !== undefined) body.message = message;
  const type = str(inner.type);
  if (type !== undefined) body.type = type;
  const code = str(inner.code) ?? num(inner.code);
  if (code !== undefined) body.code = code;
  const errorType = str(inner.error_type);
  if (errorType !== undefined) body.errorType = errorType;
  const errorOrigin = str(inner.error_origin);
  if (errorOrigin !== undefined) body.errorOrigin = errorOrigin;
  const reason = str(inner.reason);
  if (reason !== undefined) body.reason = reason;
  if (failed !== undefined) body.failedProviders = failed;
  const attemptCount = num(inner.attempt_count);
  if (attemptCount !== undefined) body.attemptCount = attemptCount;
  const generationId = str(inner.generation_id);
  if (generationId !== undefined) body.generationId = generationId;
  return body;
}

function describe(body: GatewayErrorBody | undefined): string {
  if (!body) return "no error body";
  const parts: string[] = [];
  if (body.message) parts.push(`"${body.message.slice(0, 300)}"`);
  const facts = [
    body.errorType && `error_type=${body.errorType}`,
    body.errorOrigin && `error_origin=${body.errorOrigin}`,
    body.reason && `reason=${body.reason}`,
    body.failedProviders?.length && `failed_providers=${body.failedProviders.join(",")}`,
  ].filter(Boolean);
  if (facts.length) parts.push(`(${facts.join(", ")})`);
  return parts.join(" ") || "an error body without a message";
}

export interface StatusErrorInput {
  status: number;
  body: GatewayErrorBody | undefined;
  model: string;
  url: string;
  retryAfterMs: number | undefined;
  requestId: string | undefined;
  keyHint: string;
}

/** Maps a non-2xx response to the typed error the caller sees. */
export function errorForStatus({
  status,
  body,
  model,
  url,
  retryAfterMs,
  requestId,
  keyHint,
}: StatusErrorInput) {
  const where = `${url} returned ${status} for model "${model}"`;
  const detail = describe(body);
  const common = { status, model, requestId, body };
  let error: GatewayError;
  if (status === 429) {
    error = new RateLimitError({
      ...common,
      retryAfterMs,
      message: `${where}: rate limited, ${detail}. The client retries with backoff; lower the request rate or raise the gateway quota.`,
    });
  } else if (status === 401 || status === 403) {
    error = new AuthError({
      ...common,
      message: `${where}: ${status === 401 ? "the API key was rejected" : "the API key may not use this model"} (key ${keyHint}), ${detail}. Check the key and its permissions at the gateway.`,
    });
  } else if (
    status === 400 ||
    status === 404 ||
    status === 422 ||
    (status >= 400 && status < 500 && status !== 408 && status !== 409)
  ) {
    error = new BadRequestError({
      ...common,
      message: `${where}: the request was refused, ${detail}. Fix the request (model name, parameters, messages); it is not retried.`,
    });
  } else {
    const retryable = status === 408 || status === 409 || status >= 500;
    error = new UpstreamError({
      ...common,
      retryable,
      retryAfterMs,
      message: `${where}: ${detail}. ${retryable ? "The client retries and falls back on this." : "Unexpected status from the gateway."}`,
    });
  }
  return error;
}

/** OpenAI usage (`prompt_tokens`, ...) to `TokenUsage`; undefined when absent or not numeric. */
export function parseUsage(raw: unknown): TokenUsage | undefined {
  if (!isObject(raw)) return undefined;
  const prompt = num(raw.prompt_tokens);
  const completion = num(raw.completion_tokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const usage: TokenUsage = {
    promptTokens: prompt ?? 0,
    completionTokens: completion ?? 0,
    totalTokens: num(raw.total_tokens) ?? (prompt ?? 0) + (completion ?? 0),
  };
  const details = raw.prompt_tokens_details;
  const cached = isObject(details) ? num(details.cached_tokens) : undefined;
  if (cached !== undefined) usage.cachedPromptTokens = cached;
  return usage;
}

export function gatewayCost(raw: unknown): number | undefined {
  if (!isObject(raw)) return undefined;
  const cost = num(raw.cost);
  return cost !== undefined && cost >= 0 ? cost : undefined;
}

export { isObject, num, str };
