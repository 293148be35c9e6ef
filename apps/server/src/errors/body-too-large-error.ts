import { ServerError } from "./server-error.js";

/** The body is over PROMPTREG_BODY_LIMIT_BYTES: declared so in Content-Length (refused unread) or found so while reading. */
export class BodyTooLargeError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.BodyTooLargeError");
  readonly limitBytes: number;

  constructor({ limitBytes, declaredBytes }: { limitBytes: number; declaredBytes?: number }) {
    super({
      type: "payload_too_large",
      code: "body_too_large",
      message: `Request body is larger than the limit of ${limitBytes} bytes${declaredBytes === undefined ? "" : ` (Content-Length: ${declaredBytes})`}; send a smaller input or ask the operator to raise PROMPTREG_BODY_LIMIT_BYTES.`,
      details: declaredBytes === undefined ? { limitBytes } : { limitBytes, declaredBytes },
    });
    this.name = "BodyTooLargeError";
    this.limitBytes = limitBytes;
  }
}
