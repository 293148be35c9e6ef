import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";
import type { GatewayErrorBody } from "./upstream-error.js";

/**
 * How a stream broke: cut (ended with neither [DONE] nor a finish reason), idle (stalled), deadline, inband_error,
 * malformed, too_large (more bytes than the client's `maxResponseBytes`).
 */
export type IncompleteReason = "cut" | "idle" | "deadline" | "inband_error" | "malformed" | "too_large";

export interface PartialUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * A stream broke after it began. Holds what arrived so the caller can show or bill it. Retryable only when no
 * token had reached the caller; the client retries those itself, so a caller sees this error after delivery began.
 */
export class IncompleteStreamError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.incomplete-stream-error");
  readonly reason: IncompleteReason;
  readonly partialText: string;
  readonly usage: PartialUsage | undefined;
  /** The gateway's in-band error, for `inband_error`. */
  readonly body: GatewayErrorBody | undefined;

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable" | "message"> & {
      reason: IncompleteReason;
      partialText: string;
      usage?: PartialUsage | undefined;
      body?: GatewayErrorBody | undefined;
      retryable: boolean;
      detail?: string;
    },
  ) {
    const what = {
      cut: "ended with neither a finish reason nor [DONE]",
      idle: "stalled past the idle timeout",
      deadline: "was still running at the overall deadline",
      inband_error: "carried an error frame",
      malformed: "carried a frame that is not JSON",
      too_large: "sent more bytes than maxResponseBytes",
    }[options.reason];
    super({
      ...options,
      message: `Gateway stream${options.model ? ` for model "${options.model}"` : ""} ${what} after ${options.partialText.length} characters${options.detail ? ` (${options.detail})` : ""}; the partial text is on error.partialText. Retry the call, or raise timeouts.idleMs if the model is slow.`,
      code: "incomplete_stream",
      origin: "upstream",
    });
    this.name = "IncompleteStreamError";
    this.reason = options.reason;
    this.partialText = options.partialText;
    this.usage = options.usage;
    this.body = options.body;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      reason: this.reason,
      partialText: this.partialText,
      usage: this.usage,
      body: this.body,
    };
  }
}
