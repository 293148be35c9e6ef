import { WebCryptoUnavailableError } from "./errors/web-crypto-unavailable-error.js";

// The shipped code compiles without DOM or Node types (see tsconfig.build.json), so the few Web Crypto and
// encoding members used are described here, structurally; every runtime the client supports has them as globals.
interface CryptoKeyLike {
  readonly type: string;
}
interface SubtleCryptoLike {
  digest(algorithm: "SHA-256", data: Uint8Array): Promise<ArrayBuffer>;
  importKey(
    format: "raw",
    keyData: Uint8Array,
    algorithm: { name: "HMAC"; hash: "SHA-256" },
    extractable: false,
    usages: ("sign" | "verify")[],
  ): Promise<CryptoKeyLike>;
  sign(algorithm: "HMAC", key: CryptoKeyLike, data: Uint8Array): Promise<ArrayBuffer>;
  verify(algorithm: "HMAC", key: CryptoKeyLike, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}
interface WebGlobals {
  crypto?: { subtle?: SubtleCryptoLike; getRandomValues?: (array: Uint8Array) => Uint8Array };
  TextEncoder: new () => { encode(text: string): Uint8Array };
}

const globals = globalThis as unknown as WebGlobals;
const encoder = new globals.TextEncoder();

/** `crypto.subtle`, or a `WebCryptoUnavailableError` saying what to change; read on each call, never cached. */
export function subtle(): SubtleCryptoLike {
  const found = globals.crypto?.subtle;
  if (found === undefined) throw new WebCryptoUnavailableError({ missing: "crypto.subtle" });
  return found;
}

/** `size` bytes from the runtime's CSPRNG. */
export function randomBytes(size: number): Uint8Array {
  const getRandomValues = globals.crypto?.getRandomValues;
  if (getRandomValues === undefined)
    throw new WebCryptoUnavailableError({ missing: "crypto.getRandomValues" });
  return getRandomValues.call(globals.crypto, new Uint8Array(size));
}

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

/** Lowercase or uppercase hex of even length; callers check the shape first (SIGNATURE_PATTERN). */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Unpadded base64url (RFC 4648 section 5), as Node's `toString("base64url")`. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]! + BASE64URL[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * Throws `WebCryptoUnavailableError` unless the runtime has what signing needs, so a client can say so when it is
 * created rather than on its first request.
 */
export function checkWebCrypto(): void {
  subtle();
  randomBytes(1);
}
