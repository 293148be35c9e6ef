import { escapeControl } from "@promptreg/registry";

const marker = Symbol.for("promptreg.renderer.error");

/** Base of every error the renderer package throws; callers branch on `code`, never on the message. */
export class RenderError extends Error {
  readonly [marker] = true;
  readonly code: string;

  constructor({ code, message, cause }: { code: string; message: string; cause?: unknown }) {
    // Messages quote template text, names and inputs, and tools print them line by line: control characters
    // (an ESC byte, a line separator) are escaped, so none can recolour a terminal or forge a line. The line breaks
    // a message is laid out with are kept.
    super(message.split("\n").map(escapeControl).join("\n"), cause === undefined ? undefined : { cause });
    this.name = "RenderError";
    this.code = code;
  }

  static isInstance(value: unknown): value is RenderError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
