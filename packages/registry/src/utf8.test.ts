import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeUtf8, findLoneSurrogate } from "./utf8.js";

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const decodes = (bytes: Uint8Array) => {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

describe("decodeUtf8", () => {
  it("decodes valid UTF-8 exactly and points at the first byte that starts no valid character", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 24 }),
        fc.string({ unit: "grapheme", maxLength: 8 }),
        (noise, text) => {
          const bytes = new Uint8Array([...Buffer.from(text), ...noise]);
          const decoded = decodeUtf8(bytes);
          expect(decoded.ok).toBe(decodes(bytes));
          if (decoded.ok) {
            expect(decoded.text).toBe(strict.decode(bytes));
            return;
          }
          expect(decodes(bytes.subarray(0, decoded.offset))).toBe(true);
          const oneCharacter = [1, 2, 3, 4].some((length) => {
            const piece = bytes.subarray(decoded.offset, decoded.offset + length);
            return piece.length === length && decodes(piece) && [...strict.decode(piece)].length === 1;
          });
          expect(oneCharacter).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("gives the 1-based line and column of the bad byte", () => {
    expect(decodeUtf8(Buffer.from([0x61, 0x0a, 0xc3, 0xa9, 0x62, 0xff]))).toMatchObject({
      ok: false,
      line: 2,
      column: 3,
      byte: 0xff,
      offset: 5,
    });
    // Overlong encodings and encoded surrogates are not UTF-8 either.
    expect(decodeUtf8(Buffer.from([0xc0, 0xaf])).ok).toBe(false);
    expect(decodeUtf8(Buffer.from([0xed, 0xa0, 0x80])).ok).toBe(false);
  });

  it("finds a lone surrogate in a JavaScript string", () => {
    expect(findLoneSurrogate("ok 😀")).toBeUndefined();
    expect(findLoneSurrogate("a\nbc\ud83d")).toEqual({ line: 2, column: 3 });
    expect(findLoneSurrogate("\udc00")).toEqual({ line: 1, column: 1 });
  });
});
