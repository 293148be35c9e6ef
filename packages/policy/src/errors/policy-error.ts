const marker = Symbol.for("promptreg.policy.error");

/** Base of every error the policy package throws; callers branch on `code`, never on the message. */
export class PolicyError extends Error {
  protected readonly [marker] = true;
  readonly code: string;

  constructor({ code, message, cause }: { code: string; message: string; cause?: unknown }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "PolicyError";
    this.code = code;
  }

  static isInstance(value: unknown): value is PolicyError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
