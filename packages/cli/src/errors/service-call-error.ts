import type { PromptregErrorCode } from "@promptreg/client";
import { hasBrand } from "@promptreg/core";
import { CliError, type CliErrorCode } from "./cli-error.js";

const marker = Symbol.for("promptreg.cli.service-call-error");

/**
 * `promptreg call` reached (or failed to reach) the service and the call failed. `code` is the client error's code
 * (`connection_refused`, `signature_mismatch`, `input_invalid`, ...), `status` the HTTP status when there was one.
 */
export class ServiceCallError extends CliError {
  readonly [marker] = true;
  readonly status: number | undefined;
  readonly requestId: string | undefined;

  constructor(options: {
    code: PromptregErrorCode | Extract<CliErrorCode, "connection_refused" | "unexpected_response">;
    message: string;
    status?: number;
    requestId?: string;
    cause?: unknown;
    detailLines?: readonly string[];
  }) {
    super({
      code: options.code,
      message: options.message,
      cause: options.cause,
      ...(options.detailLines === undefined ? {} : { detailLines: options.detailLines }),
    });
    this.name = "ServiceCallError";
    this.status = options.status;
    this.requestId = options.requestId;
  }

  static override isInstance(value: unknown): value is ServiceCallError {
    return hasBrand(value, marker);
  }
}
