const marker = Symbol.for("promptreg.signing.SigningError");

/**
 * Base class of every error thrown by @promptreg/signing. Verification failures are NOT thrown: they are
 * returned as `{ ok: false, reason }` so the server can answer 401 without try/catch. Errors are reserved
 * for programming and configuration mistakes (bad sign input, bad key file, bad options).
 */
export class SigningError extends Error {
  readonly [marker] = true;
  readonly code: string;

  constructor(options: { code: string; message: string; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SigningError";
    this.code = options.code;
  }

  static isInstance(value: unknown): value is SigningError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
