import { hasBrand } from "@promptreg/core";
import { RunError } from "./run-error.js";

const marker = Symbol.for("promptreg.runtime.run-deadline-error");

/**
 * The run's one absolute deadline passed before a model call (the first or a repair) could start, so it was not
 * sent. A call already in flight is cut by the gateway client instead (its `TimeoutError`, deadline "overall").
 */
export class RunDeadlineError extends RunError {
  readonly [marker] = true;
  readonly templateId: string;
  readonly version: string;
  /** The deadline, in the pipeline clock's milliseconds (epoch ms with the default clock). */
  readonly deadlineAt: number;
  /** Model calls already made when the deadline passed. */
  readonly attempts: number;

  constructor(options: { templateId: string; version: string; deadlineAt: number; attempts: number }) {
    super({
      code: "deadline_exceeded",
      origin: "upstream",
      retryable: true,
      message: `The run of ${options.templateId}@${options.version} reached its deadline after ${options.attempts} model call(s); no further call was sent. Retry, or give the run a longer deadline.`,
    });
    this.name = "RunDeadlineError";
    this.templateId = options.templateId;
    this.version = options.version;
    this.deadlineAt = options.deadlineAt;
    this.attempts = options.attempts;
  }

  static override isInstance(value: unknown): value is RunDeadlineError {
    return hasBrand(value, marker);
  }
}
