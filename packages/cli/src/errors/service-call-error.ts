import type { PromptregErrorCode } from "@promptreg/client";
import { CliError, type CliErrorCode } from "./cli-error.js";

/**
 * `promptreg call` reached (or failed to reach) the service and the call failed. `code` is the client error's code
 * (`connection_refused`, `signature_mismatch`, `input_invalid`, ...), `status` the HTTP status when there was one.
 */
export class ServiceCallError extends CliError {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.service-call-error");
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
}
