import { SERVICE_ERROR_CODES, type ServiceErrorCode } from "@promptreg/core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { errorFromResponse } from "../error-from-response.js";
import { CLIENT_ERROR_CODES } from "./client-error-codes.js";
import { PromptregError, type PromptregErrorCode } from "./promptreg-error.js";

const answer = (status: number, body: unknown) =>
  errorFromResponse({
    status,
    bodyText: JSON.stringify(body),
    requestId: undefined,
    retryAfterMs: undefined,
    what: "POST /v1/render",
  });

describe("PromptregError codes", () => {
  it("are typed as the service's codes, the SDK's own and http_<status>, so callers narrow on them", () => {
    expectTypeOf<PromptregError["code"]>().toEqualTypeOf<PromptregErrorCode>();
    expectTypeOf<ServiceErrorCode>().toExtend<PromptregErrorCode>();
    expectTypeOf<"http_502">().toExtend<PromptregErrorCode>();

    const error = answer(422, { error: { type: "validation_error", code: "input_invalid", message: "bad" } });
    if (error.code === "input_invalid") expectTypeOf(error.code).toEqualTypeOf<"input_invalid">();
    // @ts-expect-error a code no map lists is a compile error, so a typo cannot hide in a comparison
    if (error.code === "input_invalidd") throw new Error("unreachable");
    expect(error.code).toBe("input_invalid");
  });

  it("the service's code map and the SDK's own list distinct failures (one shared code, invalid_json, reads the same)", () => {
    const shared = Object.keys(CLIENT_ERROR_CODES).filter((code) => code in SERVICE_ERROR_CODES);
    expect(shared).toEqual(["invalid_json"]);
  });

  it("say whose fault an answer is and whether to retry; isRetryable stays as a deprecated alias", () => {
    const invalid = answer(422, {
      error: { type: "validation_error", code: "input_invalid", message: "bad" },
    });
    expect(invalid).toMatchObject({ origin: "caller", retryable: false, isRetryable: false });
    const unavailable = answer(503, {
      error: { type: "unavailable", code: "upstream_unavailable", message: "x" },
    });
    expect(unavailable).toMatchObject({ origin: "upstream", retryable: true, isRetryable: true });
    const proxyPage = answer(502, "<html>bad gateway</html>");
    expect(proxyPage).toMatchObject({ code: "http_502", origin: "upstream", retryable: false });
    const options = new PromptregError({
      type: "invalid_client_options",
      code: "invalid_client_options",
      message: "m",
    });
    expect(options.origin).toBe("caller");
  });
});
