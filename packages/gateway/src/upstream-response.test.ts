import { describe, expect, it } from "vitest";
import { AuthError } from "./errors/auth-error.js";
import { BadRequestError } from "./errors/bad-request-error.js";
import { RateLimitError } from "./errors/rate-limit-error.js";
import { UpstreamError } from "./errors/upstream-error.js";
import { errorForStatus, parseErrorBody, parseUsage, scrubKey } from "./upstream-response.js";

const KEY = "sk-live-abcdefghijklmnopqrstuvwxyz";

describe("parseErrorBody", () => {
  it("keeps every AI Stats / Phaseo field", () => {
    const body = parseErrorBody(
      JSON.stringify({
        error: {
          message: "All providers failed",
          type: "upstream_error",
          error_type: "upstream_error",
          error_origin: "provider",
          reason: "provider_timeout",
          failed_providers: ["openai", "azure"],
          attempt_count: 2,
          generation_id: "gen_1",
        },
      }),
      KEY,
    );
    expect(body).toMatchObject({
      message: "All providers failed",
      errorType: "upstream_error",
      errorOrigin: "provider",
      reason: "provider_timeout",
      failedProviders: ["openai", "azure"],
      attemptCount: 2,
      generationId: "gen_1",
    });
  });

  it("scrubs an echoed key and survives non-JSON bodies", () => {
    const body = parseErrorBody(`{"error":{"message":"Incorrect API key provided: ${KEY}"}}`, KEY);
    expect(body?.message).toBe("Incorrect API key provided: sk-live-…");
    expect(JSON.stringify(body)).not.toContain(KEY);
    expect(parseErrorBody("<html>Bad Gateway</html>", KEY)?.message).toBe("<html>Bad Gateway</html>");
    expect(parseErrorBody("", KEY)).toBeUndefined();
    expect(scrubKey(`a ${KEY} b ${KEY}`, KEY)).toBe("a sk-live-… b sk-live-…");
  });
});

describe("errorForStatus", () => {
  const input = {
    body: undefined,
    model: "m/x",
    url: "http://gw/v1/chat/completions",
    requestId: "r",
    keyHint: "sk-live-…",
  };
  it("maps statuses to the typed hierarchy with origin and retryability", () => {
    const cases: [number, { isInstance(v: unknown): boolean }, "caller" | "upstream", boolean][] = [
      [400, BadRequestError, "caller", false],
      [401, AuthError, "caller", false],
      [403, AuthError, "caller", false],
      [404, BadRequestError, "caller", false],
      [422, BadRequestError, "caller", false],
      [402, BadRequestError, "caller", false],
      [408, UpstreamError, "upstream", true],
      [409, UpstreamError, "upstream", true],
      [429, RateLimitError, "upstream", true],
      [500, UpstreamError, "upstream", true],
      [503, UpstreamError, "upstream", true],
    ];
    for (const [status, type, origin, retryable] of cases) {
      const error = errorForStatus({ ...input, status, retryAfterMs: undefined });
      expect(type.isInstance(error), String(status)).toBe(true);
      expect([error.origin, error.retryable, error.status]).toEqual([origin, retryable, status]);
      expect(error.message).toContain(`returned ${status} for model "m/x"`);
    }
  });
});

describe("parseUsage", () => {
  it("reads OpenAI usage including cached prompt tokens, and rejects junk", () => {
    expect(
      parseUsage({
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 4 },
      }),
    ).toEqual({ promptTokens: 10, completionTokens: 5, totalTokens: 15, cachedPromptTokens: 4 });
    expect(parseUsage({ prompt_tokens: 3 })).toEqual({
      promptTokens: 3,
      completionTokens: 0,
      totalTokens: 3,
    });
    expect(parseUsage(null)).toBeUndefined();
    expect(parseUsage({ prompt_tokens: "3" })).toBeUndefined();
  });
});
