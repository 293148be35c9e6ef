import { StoreError } from "./errors/store-error.js";

/**
 * Strict UTF-8 decoding for template files. `readFile(path, "utf8")` turns invalid bytes into U+FFFD silently, so a
 * file saved in Latin-1 would load with altered text (and a hash of that altered text); here it is an error that
 * points at the first bad byte.
 */

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Byte offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidByte(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    let length: number;
    let min: number;
    if (byte < 0x80) {
      index++;
      continue;
    } else if (byte >= 0xc2 && byte <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      length = 3;
      min = 0x800;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      length = 4;
      min = 0x10000;
    } else return index;
    let code = byte & (0xff >> (length + 1));
    for (let offset = 1; offset < length; offset++) {
      const next = bytes[index + offset];
      if (next === undefined || (next & 0xc0) !== 0x80) return index;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return index;
    index += length;
  }
  return bytes.length;
}

export type DecodedText =
  | { ok: true; text: string }
  | { ok: false; line: number; column: number; byte: number; offset: number };

/** Decodes `bytes` as UTF-8, or says where (1-based line and column, 0-based byte offset) it first is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    const offset = firstInvalidByte(bytes);
    const before = decoder.decode(bytes.subarray(0, offset));
    const lines = before.split("\n");
    return {
      ok: false,
      line: lines.length,
      column: lines.at(-1)!.length + 1,
      byte: bytes[offset] ?? 0,
      offset,
    };
  }
}

/**
 * A stored file's bytes as text, or the `invalid_utf8` StoreError naming the first bad byte's line and column. Every
 * store that holds bytes (file system, memory, git revisions) decodes through here, so none falls back to U+FFFD.
 */
export function decodeStoredFile(path: string, bytes: Uint8Array): string {
  const decoded = decodeUtf8(bytes);
  if (decoded.ok) return decoded.text;
  throw new StoreError({
    code: "invalid_utf8",
    path,
    position: { line: decoded.line, column: decoded.column },
    message: `byte 0x${decoded.byte.toString(16).padStart(2, "0")} at line ${decoded.line}, column ${decoded.column} is not UTF-8; save the file as UTF-8`,
  });
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where a string holds half of a UTF-16 surrogate pair (not encodable as UTF-8), or undefined. */
export function findLoneSurrogate(text: string): { line: number; column: number } | undefined {
  const match = LONE_SURROGATE.exec(text);
  if (!match) return undefined;
  const lines = text.slice(0, match.index).split("\n");
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}
