import { SERVICE_LIMITS } from "../limits.js";
import { ServerError } from "./server-error.js";

/** The model's reply still failed the template's output schema after the allowed repair attempts (502). */
export class OutputInvalidError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.OutputInvalidError");

  constructor({
    templateId,
    version,
    attempts,
    reason,
    detail,
    issues,
    text,
  }: {
    templateId: string;
    version: string;
    attempts: number;
    reason: string;
    detail: string;
    issues: readonly unknown[];
    text: string;
  }) {
    super({
      type: "upstream_error",
      code: "output_invalid",
      origin: "upstream",
      message: `The model's reply for ${templateId}@${version} did not match the template's output schema after ${attempts} attempt(s): ${detail} Raise PROMPTREG_OUTPUT_REPAIR_ATTEMPTS, tighten the prompt, or relax the output schema.`,
      details: {
        templateId,
        version,
        attempts,
        reason,
        issues,
        text:
          text.length > SERVICE_LIMITS.outputExcerptChars
            ? `${text.slice(0, SERVICE_LIMITS.outputExcerptChars)}…`
            : text,
      },
    });
    this.name = "OutputInvalidError";
  }
}
