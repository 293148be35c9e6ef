import { PromptregError, type PromptregErrorOptions } from "./promptreg-error.js";

/** The SSE stream ended (connection closed) without a `final` or `error` event. `partialText` holds the deltas received. */
export class IncompleteStreamError extends PromptregError {
  static override readonly brand: symbol = Symbol.for("promptreg.client.IncompleteStreamError");
  readonly partialText: string;

  constructor(options: Omit<PromptregErrorOptions, "type" | "code"> & { partialText: string }) {
    super({ ...options, type: "stream_error", code: "incomplete_stream" });
    this.name = "IncompleteStreamError";
    this.partialText = options.partialText;
  }
}
