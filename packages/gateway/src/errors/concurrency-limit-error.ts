import { GatewayError, type GatewayErrorOptions } from "./gateway-error.js";

/** The client's bulkhead was full: `maxConcurrent` calls in flight and `maxQueue` already waiting. Nothing was sent. */
export class ConcurrencyLimitError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.concurrency-limit-error");
  readonly maxConcurrent: number;
  readonly maxQueue: number;

  constructor(
    options: Omit<GatewayErrorOptions, "code" | "origin" | "retryable" | "message"> & {
      maxConcurrent: number;
      maxQueue: number;
    },
  ) {
    super({
      ...options,
      message: `Gateway client concurrency limit reached: ${options.maxConcurrent} calls in flight and ${options.maxQueue} queued. Shed load upstream, or raise concurrency.maxConcurrent / concurrency.maxQueue.`,
      code: "concurrency_limit",
      origin: "caller",
      retryable: true,
    });
    this.name = "ConcurrencyLimitError";
    this.maxConcurrent = options.maxConcurrent;
    this.maxQueue = options.maxQueue;
  }
}
