import type { ServerResponse } from "node:http";

/**
 * The lifetime of one response: delays and stalls register here so they end the moment the client leaves
 * or the gateway closes, and no timer outlives its socket.
 */
export class Exchange {
  readonly res: ServerResponse;
  #closed = false;
  readonly #onClose = new Set<() => void>();

  constructor(res: ServerResponse, onClose?: () => void) {
    this.res = res;
    if (onClose) this.#onClose.add(onClose);
    res.once("close", () => this.#finish());
  }

  get closed(): boolean {
    return this.#closed;
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const listener of this.#onClose) listener();
    this.#onClose.clear();
  }

  /** Resolves true after `ms`, or false as soon as the exchange closes. 0 ms resolves at once. */
  wait(ms: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onClose = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.#onClose.delete(onClose);
        resolve(true);
      }, ms);
      this.#onClose.add(onClose);
    });
  }

  /** Keeps the socket open and silent until the client leaves or `ms` pass, then destroys it. */
  async hold(ms: number): Promise<void> {
    if (await this.wait(ms)) this.destroy();
  }

  /** Destroys the socket without another byte (a reset, or the end of a stall). */
  destroy(): void {
    this.res.socket?.destroy();
    this.res.destroy();
    this.#finish();
  }
}
