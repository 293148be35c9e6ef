import { escapeControl, PromptregBaseError, type PromptregBaseErrorOptions } from "@promptreg/core";
import type { RenderErrorCode } from "./render-error-codes.js";

/** Base of every error the renderer package throws; callers branch on `code`, never on the message. */
export class RenderError extends PromptregBaseError<RenderErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.renderer.error");

  constructor(options: PromptregBaseErrorOptions<RenderErrorCode>) {
    // Messages quote template text, names and inputs, and tools print them line by line: control characters
    // (an ESC byte, a line separator) are escaped, so none can recolour a terminal or forge a line. The line breaks
    // a message is laid out with are kept.
    super({ ...options, message: options.message.split("\n").map(escapeControl).join("\n") });
    this.name = "RenderError";
  }
}
