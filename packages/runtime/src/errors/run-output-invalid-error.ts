import type { InputIssue, OutputValidationError, OutputValidationKind } from "@promptreg/renderer";
import { RunError } from "./run-error.js";

/**
 * The model's reply still failed the template's output schema after the allowed repair attempts. Carries the
 * renderer's `OutputValidationError` of the last reply as `cause`, and its fields, so nothing parses the message.
 */
export class RunOutputInvalidError extends RunError {
  static override readonly brand: symbol = Symbol.for("promptreg.runtime.run-output-invalid-error");
  readonly templateId: string;
  readonly version: string;
  /** Model calls made: the first plus the repairs. */
  readonly attempts: number;
  readonly reason: OutputValidationKind;
  /** The validation message of the last reply. */
  readonly detail: string;
  readonly issues: readonly InputIssue[];
  /** The last reply, unabridged (callers cut it before showing it). */
  readonly text: string;

  constructor({ error, attempts, text }: { error: OutputValidationError; attempts: number; text: string }) {
    super({
      code: "output_invalid",
      origin: "upstream",
      retryable: true,
      message: `The model's reply for ${error.templateId}@${error.version} did not match the template's output schema after ${attempts} attempt(s): ${error.message}`,
      cause: error,
    });
    this.name = "RunOutputInvalidError";
    this.templateId = error.templateId;
    this.version = error.version;
    this.attempts = attempts;
    this.reason = error.kind;
    this.detail = error.message;
    this.issues = error.issues;
    this.text = text;
  }
}
