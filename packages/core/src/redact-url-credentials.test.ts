import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactUrlCredentials } from "./redact-url-credentials.js";

describe("redactUrlCredentials", () => {
  it("removes user and password from URLs in a text, keeping the host", () => {
    expect(
      redactUrlCredentials(
        "http://gw:s3cret@10.0.0.5:8080/v1/chat/completions returned 500; also https://token@api.example/v1",
      ),
    ).toBe(
      "http://[redacted]@10.0.0.5:8080/v1/chat/completions returned 500; also https://[redacted]@api.example/v1",
    );
  });

  it("leaves URLs without credentials and plain e-mail addresses alone", () => {
    const text = "https://api.example/v1?x=a@b contact ops@example.com";
    expect(redactUrlCredentials(text)).toBe(text);
  });

  it("never leaves a password of any shape behind", () => {
    const userinfo = fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:%-]{1,40}$/);
    fc.assert(
      fc.property(userinfo, fc.constantFrom("http", "https"), (secret, scheme) => {
        const out = redactUrlCredentials(`failed: ${scheme}://${secret}@gw.internal:443/v1 (ECONNRESET)`);
        expect(out).toBe(`failed: ${scheme}://[redacted]@gw.internal:443/v1 (ECONNRESET)`);
      }),
    );
  });
});
