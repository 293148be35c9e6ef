import { ServerError } from "./server-error.js";

export type AuthFailureReason =
  | "missing_headers"
  | "unknown_key"
  | "stale_timestamp"
  | "replayed_nonce"
  | "signature_mismatch";

const HINTS: Record<AuthFailureReason, string> = {
  missing_headers:
    "send X-Promptreg-Key, X-Promptreg-Timestamp, X-Promptreg-Nonce and X-Promptreg-Signature (see docs/security.md)",
  unknown_key: "check the key id; ask the service operator to register it in PROMPTREG_CLIENT_KEYS",
  stale_timestamp:
    "the timestamp is outside the ±300 s window: sync the client clock (NTP) and sign each request anew",
  replayed_nonce: "every request needs a fresh random nonce; do not resend a signed request, sign it again",
  signature_mismatch:
    "sign METHOD, the path and query exactly as sent, the timestamp, the nonce and the sha256 of the exact body bytes",
};

/** A request whose signature did not verify: 401 with a reason code. */
export class AuthenticationError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.AuthenticationError");
  readonly reason: AuthFailureReason;

  constructor({ reason, detail, header }: { reason: AuthFailureReason; detail?: string; header?: string }) {
    super({
      type: "authentication_error",
      code: reason,
      message: `Request signature rejected (${reason}): ${detail ? `${detail} ` : ""}Fix: ${HINTS[reason]}.`,
      details: header === undefined ? { reason } : { reason, header },
    });
    this.name = "AuthenticationError";
    this.reason = reason;
  }
}
