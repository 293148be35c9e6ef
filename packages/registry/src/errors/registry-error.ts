const marker = Symbol.for("promptreg.registry.error");

/** Base of every error the registry package throws; callers branch on `code`, never on the message. */
export class RegistryError extends Error {
  protected readonly [marker] = true;
  readonly code: string;

  constructor({ code, message, cause }: { code: string; message: string; cause?: unknown }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "RegistryError";
    this.code = code;
  }

  static isInstance(value: unknown): value is RegistryError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
