import { PromptregBaseError } from "@promptreg/core";

/**
 * The codes of the errors the pipeline itself throws, closed so callers narrow on them. Errors of the registry
 * (template not found), renderer (input invalid) and gateway (upstream failures) pass through unchanged.
 */
export const RUN_ERROR_CODES = {
  /** The model's reply failed the output schema after every allowed repair. */
  output_invalid: "output_invalid",
  /** The run's absolute deadline passed before the next model call could start. */
  deadline_exceeded: "deadline_exceeded",
} as const;

export type RunErrorCode = keyof typeof RUN_ERROR_CODES;

/** Whose fault a failure is: the caller's request, or the model and gateway behind the pipeline. */
export type RunErrorOrigin = "caller" | "upstream";

/** Base of the errors the run pipeline throws. Branch on `code` or `X.isInstance(error)`, never on the message. */
export class RunError extends PromptregBaseError<RunErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.runtime.run-error");
  declare readonly origin: RunErrorOrigin;

  constructor(options: {
    code: RunErrorCode;
    origin: RunErrorOrigin;
    /** Whether the same run may succeed when tried again (model replies and timings vary). */
    retryable: boolean;
    message: string;
    cause?: unknown;
  }) {
    super(options);
    this.name = "RunError";
  }
}
