import { timingSafeEqual } from "node:crypto";
import {
  type BodyInput,
  buildStringToSign,
  KEY_ID_PATTERN,
  NONCE_PATTERN,
  SIGNATURE_HEADERS,
  SIGNATURE_PATTERN,
  TIMESTAMP_PATTERN,
} from "@promptreg/signing-core";
import { computeSignature, hashBody, secretKeys } from "./canonical.js";
import { InvalidVerifyOptionsError } from "./errors/invalid-verify-options-error.js";
import { redact } from "./redact.js";

export const VERIFY_FAILURE_REASONS = [
  "missing_headers",
  "unknown_key",
  "stale_timestamp",
  "replayed_nonce",
  "signature_mismatch",
  "nonce_capacity_exceeded",
] as const;
export type VerifyFailureReason = (typeof VERIFY_FAILURE_REASONS)[number];

export interface VerifyFailure {
  ok: false;
  reason: VerifyFailureReason;
  /** Safe to return to the caller and to log: says what failed and how to fix it; contains no secrets. */
  message: string;
  /** Canonical name of the header at fault, when one header is. */
  header?: string;
  /** The key id the request claimed, when it was well-formed. */
  keyId?: string;
  /** For `nonce_capacity_exceeded`: when the key id's oldest live nonce expires. */
  retryAfterSeconds?: number;
}

export type HeadersInput = Headers | Record<string, string | string[] | number | undefined>;

export type LookupSecrets = (
  keyId: string,
) => readonly string[] | undefined | Promise<readonly string[] | undefined>;

export interface CheckSignatureHeadersOptions {
  method: string;
  /** Path and query exactly as received on the request line (Express: `req.originalUrl`). */
  pathAndQuery: string;
  headers: HeadersInput;
  /** Returns the active secrets of a key id (one, or two during rotation), or undefined when unknown. */
  lookupSecrets: LookupSecrets;
  /** Clock in milliseconds since the epoch; defaults to Date.now. */
  now?: () => number;
  /** Accepted clock skew either way, in seconds. Default 300. */
  windowSeconds?: number;
  /**
   * Unix seconds: timestamps before it are refused as `stale_timestamp`. A service whose nonce store forgets on
   * restart sets it to its start, so a request captured before a restart cannot be replayed after it.
   */
  notBeforeSeconds?: number;
}

/** `checkSignatureHeaders`' options with a `lookupSecrets` that answers at once. */
export interface CheckSignatureHeadersSyncOptions
  extends Omit<CheckSignatureHeadersOptions, "lookupSecrets"> {
  lookupSecrets: (keyId: string) => readonly string[] | undefined;
}

/** The headers passed; the HMAC over the body is still to be checked. Holds no secret in an enumerable field. */
export interface PendingSignature {
  ok: true;
  keyId: string;
  /** Unix seconds from the request. */
  timestamp: number;
  nonce: string;
  /** Checks the HMAC over the raw body bytes (constant-time, every active secret of the key tried). */
  verifyBody(body: BodyInput): { ok: true; secretIndex: number } | VerifyFailure;
}

export const DEFAULT_WINDOW_SECONDS = 300;

type HeaderRead = { value: string } | { problem: "missing" | "duplicate" };
type SignatureField = keyof typeof SIGNATURE_HEADERS;
const FIELDS = Object.keys(SIGNATURE_HEADERS) as SignatureField[];
const FIELD_BY_LOWER_NAME = new Map<string, SignatureField>(
  FIELDS.map((field) => [SIGNATURE_HEADERS[field].toLowerCase(), field]),
);

function readValue(value: string | string[] | number): HeaderRead {
  if (Array.isArray(value)) {
    if (value.length === 1) return { value: value[0]! };
    return value.length === 0 ? { problem: "missing" } : { problem: "duplicate" };
  }
  return { value: String(value) };
}

/**
 * The four signing headers, read in one pass over the headers (every request is verified, so this is hot): each
 * present once, missing, or sent more than once (two spellings of one name in a plain record, or a repeated array).
 */
function readSignatureHeaders(headers: HeadersInput): Record<SignatureField, HeaderRead> {
  if (headers instanceof Headers) {
    const fromHeaders = (field: SignatureField): HeaderRead => {
      const value = headers.get(SIGNATURE_HEADERS[field]);
      return value === null ? { problem: "missing" } : { value };
    };
    return {
      key: fromHeaders("key"),
      timestamp: fromHeaders("timestamp"),
      nonce: fromHeaders("nonce"),
      signature: fromHeaders("signature"),
    };
  }
  const found: Partial<Record<SignatureField, string | string[] | number>> = {};
  // Made only when a header is repeated: every request is verified, almost none repeats one.
  let duplicated: Set<SignatureField> | undefined;
  const record = headers as Record<string, string | string[] | number | undefined>;
  for (const name in record) {
    if (!Object.hasOwn(record, name)) continue;
    const value = record[name];
    if (value === undefined) continue;
    const field = FIELD_BY_LOWER_NAME.get(name) ?? FIELD_BY_LOWER_NAME.get(name.toLowerCase());
    if (field === undefined) continue;
    if (found[field] === undefined) found[field] = value;
    else {
      duplicated ??= new Set();
      duplicated.add(field);
    }
  }
  return {
    key: readFound(found, duplicated, "key"),
    timestamp: readFound(found, duplicated, "timestamp"),
    nonce: readFound(found, duplicated, "nonce"),
    signature: readFound(found, duplicated, "signature"),
  };
}

function readFound(
  found: Partial<Record<SignatureField, string | string[] | number>>,
  duplicated: ReadonlySet<SignatureField> | undefined,
  field: SignatureField,
): HeaderRead {
  if (duplicated?.has(field)) return { problem: "duplicate" };
  const value = found[field];
  return value === undefined ? { problem: "missing" } : readValue(value);
}

export function verifyFailure(
  reason: VerifyFailureReason,
  message: string,
  extra: { header?: string; keyId?: string; retryAfterSeconds?: number } = {},
): VerifyFailure {
  return { ok: false, reason, message, ...extra };
}

export function checkWindow(windowSeconds: number): void {
  if (!Number.isFinite(windowSeconds) || windowSeconds <= 0) {
    throw new InvalidVerifyOptionsError({
      option: "windowSeconds",
      problem: `must be a positive number of seconds (got ${windowSeconds})`,
      fix: `Omit it for the default ${DEFAULT_WINDOW_SECONDS}.`,
    });
  }
}

/** The four headers read and well-formed and the timestamp in the window; the key is still to be looked up. */
interface SignatureHead {
  ok: true;
  keyId: string;
  timestampText: string;
  timestamp: number;
  nonce: string;
  signatureHex: string;
}

/**
 * The part of verification that needs no body: the four headers (present, once, well-formed), the timestamp
 * window (and `notBeforeSeconds`), and a known key. A server runs it before reading the body, so an unsigned or
 * stale request never costs a body read; the body's HMAC follows with `verifyBody`. Order: headers -> timestamp
 * (the cheapest test) -> key lookup.
 *
 * Throws only for bad options, or when `lookupSecrets` itself throws (an infrastructure failure: answer 5xx).
 */
export async function checkSignatureHeaders(
  options: CheckSignatureHeadersOptions,
): Promise<PendingSignature | VerifyFailure> {
  const head = readSignatureHead(options);
  if (!head.ok) return head;
  return pendingSignature(options, head, await options.lookupSecrets(head.keyId));
}

/**
 * `checkSignatureHeaders` for a `lookupSecrets` that answers at once (secrets held in memory, as a server's parsed
 * client keys are): the same checks and results, returned without a promise, so a server verifying every request
 * spends no microtask on it. Throws where `checkSignatureHeaders` rejects.
 */
export function checkSignatureHeadersSync(
  options: CheckSignatureHeadersSyncOptions,
): PendingSignature | VerifyFailure {
  const head = readSignatureHead(options);
  if (!head.ok) return head;
  return pendingSignature(options, head, options.lookupSecrets(head.keyId));
}

/** The failure for headers of which one at least is missing (all missing ones named) or sent more than once. */
function headerProblem(read: Record<SignatureField, HeaderRead>): VerifyFailure {
  const missing = FIELDS.filter((name) => {
    const field = read[name];
    return "problem" in field && field.problem === "missing";
  }).map((name) => SIGNATURE_HEADERS[name]);
  if (missing.length > 0) {
    return verifyFailure(
      "missing_headers",
      `Missing signing header(s): ${missing.join(", ")}. Sign every request with @promptreg/client or the recipe in docs/security.md.`,
      { header: missing[0]! },
    );
  }
  const duplicate = SIGNATURE_HEADERS[FIELDS.find((name) => "problem" in read[name])!];
  return verifyFailure(
    "missing_headers",
    `Header ${duplicate} was sent more than once; send it exactly once.`,
    {
      header: duplicate,
    },
  );
}

/** Steps 1 and 2 of `checkSignatureHeaders`: the headers and the timestamp, no key lookup yet. */
function readSignatureHead(
  options: Omit<CheckSignatureHeadersOptions, "lookupSecrets">,
): SignatureHead | VerifyFailure {
  const { headers, now = Date.now, windowSeconds = DEFAULT_WINDOW_SECONDS, notBeforeSeconds } = options;
  checkWindow(windowSeconds);
  const read = readSignatureHeaders(headers);
  for (const name of FIELDS) if ("problem" in read[name]) return headerProblem(read);
  const keyId = (read.key as { value: string }).value;
  const timestampText = (read.timestamp as { value: string }).value;
  const nonce = (read.nonce as { value: string }).value;
  const signatureText = (read.signature as { value: string }).value;

  if (!KEY_ID_PATTERN.test(keyId)) {
    return verifyFailure(
      "missing_headers",
      `Malformed ${SIGNATURE_HEADERS.key}: expected 1-128 characters of A-Z a-z 0-9 . _ ~ -.`,
      { header: SIGNATURE_HEADERS.key },
    );
  }
  if (!TIMESTAMP_PATTERN.test(timestampText)) {
    return verifyFailure(
      "missing_headers",
      `Malformed ${SIGNATURE_HEADERS.timestamp}: expected unix seconds as a decimal integer.`,
      { header: SIGNATURE_HEADERS.timestamp, keyId },
    );
  }
  if (!NONCE_PATTERN.test(nonce)) {
    return verifyFailure(
      "missing_headers",
      `Malformed ${SIGNATURE_HEADERS.nonce}: expected unpadded base64url of at least 16 random bytes (22-128 characters).`,
      { header: SIGNATURE_HEADERS.nonce, keyId },
    );
  }
  const signatureMatch = SIGNATURE_PATTERN.exec(signatureText);
  if (signatureMatch === null) {
    return verifyFailure(
      "missing_headers",
      `Malformed ${SIGNATURE_HEADERS.signature} (starts "${redact(signatureText)}"): expected "v1=" followed by 64 lowercase hex digits.`,
      { header: SIGNATURE_HEADERS.signature, keyId },
    );
  }

  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor(now() / 1000);
  const skew = timestamp - nowSeconds;
  if (Math.abs(skew) > windowSeconds) {
    return verifyFailure(
      "stale_timestamp",
      `${SIGNATURE_HEADERS.timestamp} is ${Math.abs(skew)}s in the ${skew < 0 ? "past" : "future"}; the accepted window is +/-${windowSeconds}s. Sign each request when sending it and keep the client clock in sync (NTP).`,
      { header: SIGNATURE_HEADERS.timestamp, keyId },
    );
  }
  if (notBeforeSeconds !== undefined && timestamp < notBeforeSeconds) {
    return verifyFailure(
      "stale_timestamp",
      `${SIGNATURE_HEADERS.timestamp} (${timestamp}) is before this service instance started remembering nonces (${notBeforeSeconds}); requests signed before a restart are refused so they cannot be replayed. Sign the request again (a client whose clock runs behind the server's sees this only right after a restart).`,
      { header: SIGNATURE_HEADERS.timestamp, keyId },
    );
  }
  return { ok: true, keyId, timestampText, timestamp, nonce, signatureHex: signatureMatch[1]! };
}

/** Step 3 and what follows: the key's secrets found, a pending signature whose `verifyBody` checks the HMAC. */
function pendingSignature(
  { method, pathAndQuery }: { method: string; pathAndQuery: string },
  { keyId, timestampText, timestamp, nonce, signatureHex }: SignatureHead,
  secrets: readonly string[] | undefined,
): PendingSignature | VerifyFailure {
  if (secrets === undefined || secrets.length === 0) {
    return verifyFailure(
      "unknown_key",
      `Unknown key id "${redact(keyId)}" in ${SIGNATURE_HEADERS.key}. Check the key id your operator issued.`,
      { header: SIGNATURE_HEADERS.key },
    );
  }
  const expected = Buffer.from(signatureHex, "hex");
  return {
    ok: true,
    keyId,
    timestamp,
    nonce,
    verifyBody(body) {
      const stringToSign = buildStringToSign({
        method,
        pathAndQuery,
        timestamp: timestampText,
        nonce,
        bodyHash: hashBody(body),
      });
      // Every secret is tried, without an early exit, so timing does not reveal which one matched.
      let secretIndex = -1;
      secretKeys(secrets).forEach((key, index) => {
        const actual = computeSignature(key, stringToSign);
        if (actual.length === expected.length && timingSafeEqual(actual, expected) && secretIndex === -1) {
          secretIndex = index;
        }
      });
      if (secretIndex === -1) {
        return verifyFailure(
          "signature_mismatch",
          "Signature does not match. Sign the exact method, path and query as sent, and the raw body bytes; see docs/security.md for the recipe and test vectors.",
          { header: SIGNATURE_HEADERS.signature, keyId },
        );
      }
      return { ok: true, secretIndex };
    },
  };
}
