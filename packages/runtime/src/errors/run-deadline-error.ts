import { RunError } from "./run-error.js";

/**
 * The run's one absolute deadline passed: before a model call (the first or a repair) could start, so it was not
 * sent (`cutCall` false), or while a call bound by that deadline was in flight, which the gateway client cut
 * (`cutCall` true; its `TimeoutError` or `IncompleteStreamError` is the `cause`). One error for both, so the caller
 * sees one code for "the deadline passed" whichever instant it passed at.
 */
export class RunDeadlineError extends RunError {
  static override readonly brand: symbol = Symbol.for("promptreg.runtime.run-deadline-error");
  readonly templateId: string;
  readonly version: string;
  /** The deadline, in the pipeline clock's milliseconds (epoch ms with the default clock). */
  readonly deadlineAt: number;
  /** Model calls made when the deadline passed, a call it cut included. */
  readonly attempts: number;
  /** Whether the deadline cut a call in flight (true) or passed between calls (false). */
  readonly cutCall: boolean;

  constructor(options: {
    templateId: string;
    version: string;
    deadlineAt: number;
    attempts: number;
    cutCall: boolean;
    cause?: unknown;
  }) {
    const when = options.cutCall
      ? "while a model call was in flight; the call was cancelled"
      : "before the next model call; no further call was sent";
    super({
      code: "deadline_exceeded",
      origin: "upstream",
      retryable: true,
      message: `The run of ${options.templateId}@${options.version} reached its deadline after ${options.attempts} model call(s), ${when}. Retry, or give the run a longer deadline.`,
      cause: options.cause,
    });
    this.name = "RunDeadlineError";
    this.templateId = options.templateId;
    this.version = options.version;
    this.deadlineAt = options.deadlineAt;
    this.attempts = options.attempts;
    this.cutCall = options.cutCall;
  }
}
