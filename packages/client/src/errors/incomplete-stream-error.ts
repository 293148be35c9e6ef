import { hasBrand } from "@promptreg/core";
import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

const marker = Symbol.for("promptreg.client.IncompleteStreamError");

/** The SSE stream ended (connection closed) without a `final` or `error` event. `partialText` holds the deltas received. */
export class IncompleteStreamError extends PromptregError {
  readonly [marker] = true;
  readonly partialText: string;

  constructor(options: Omit<PromptregErrorOptions, "type" | "code"> & { partialText: string }) {
    super({ ...options, type: "stream_error", code: "incomplete_stream" });
    this.name = "IncompleteStreamError";
    this.partialText = options.partialText;
  }

  static override isInstance(value: unknown): value is IncompleteStreamError {
    return hasBrand(value, marker);
  }
}
