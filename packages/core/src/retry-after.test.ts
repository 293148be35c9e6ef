import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRetryAfterMs } from "./retry-after.js";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const parse = (headers: Record<string, string>) => parseRetryAfterMs(new Headers(headers), { nowMs: NOW });

describe("parseRetryAfterMs", () => {
  it("reads delay-seconds, including 0 and decimals", () => {
    expect(parse({ "retry-after": "2" })).toBe(2_000);
    expect(parse({ "retry-after": "0" })).toBe(0);
    expect(parse({ "retry-after": " 1.5 " })).toBe(1_500);
  });

  it("reads an HTTP date relative to now, and treats a past date as no wait", () => {
    expect(parse({ "retry-after": new Date(NOW + 7_000).toUTCString() })).toBe(7_000);
    expect(parse({ "retry-after": new Date(NOW - 60_000).toUTCString() })).toBe(0);
  });

  it("prefers retry-after-ms over Retry-After", () => {
    expect(parse({ "retry-after-ms": "250", "retry-after": "9" })).toBe(250);
    expect(parse({ "retry-after-ms": "junk", "retry-after": "3" })).toBe(3_000);
  });

  it("ignores negative, absurd and garbage values", () => {
    for (const raw of ["-5", "-0.5", "abc", "", "1e3", "NaN", "Infinity", "99999999999", "5 seconds"]) {
      expect(parse({ "retry-after": raw }), raw).toBeUndefined();
    }
    expect(parse({ "retry-after": new Date(NOW + 10 * 24 * 3_600_000).toUTCString() })).toBeUndefined();
    expect(parse({ "retry-after-ms": "-1" })).toBeUndefined();
    expect(parse({})).toBeUndefined();
  });

  it("never returns a negative or non-finite number for any header text", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        let headers: Headers;
        try {
          headers = new Headers({ "retry-after": a, "retry-after-ms": b });
        } catch {
          return; // not a valid header value at all
        }
        const value = parseRetryAfterMs(headers, { nowMs: NOW });
        if (value !== undefined) {
          expect(Number.isFinite(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(24 * 3_600_000);
        }
      }),
    );
  });
});
