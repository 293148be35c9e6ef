import { describe, expect, it } from "vitest";
import { ifNoneMatchMatches } from "./if-none-match.js";

describe("ifNoneMatchMatches", () => {
  const etag = '"abc123"';
  it("matches the same tag, weak or strong, alone or in a list, and *", () => {
    expect(ifNoneMatchMatches('"abc123"', etag)).toBe(true);
    expect(ifNoneMatchMatches('W/"abc123"', etag)).toBe(true);
    expect(ifNoneMatchMatches('"old", "abc123"', etag)).toBe(true);
    expect(ifNoneMatchMatches("*", etag)).toBe(true);
  });
  it("does not match other tags, unquoted text or a missing header", () => {
    expect(ifNoneMatchMatches(undefined, etag)).toBe(false);
    expect(ifNoneMatchMatches('"abc12"', etag)).toBe(false);
    expect(ifNoneMatchMatches("abc123", etag)).toBe(false);
    expect(ifNoneMatchMatches('"old", W/"other"', etag)).toBe(false);
    expect(ifNoneMatchMatches("", etag)).toBe(false);
  });
});
