const marker = Symbol.for("promptreg.renderer.error");

/** Base of every error the renderer package throws; callers branch on `code`, never on the message. */
export class RenderError extends Error {
  readonly [marker] = true;
  readonly code: string;

  constructor({ code, message, cause }: { code: string; message: string; cause?: unknown }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "RenderError";
    this.code = code;
  }

  static isInstance(value: unknown): value is RenderError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
