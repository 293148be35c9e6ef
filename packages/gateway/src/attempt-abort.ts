/** Why a call or an attempt was stopped. */
export type AbortCause =
  | { kind: "overall"; ms: number }
  | { kind: "attempt"; ms: number }
  | { kind: "idle"; ms: number }
  | { kind: "caller"; reason: unknown };

/** What the transport hands the attempt to be told of an abort (an object, so no closure is made per call). */
export interface AbortListener {
  attemptAborted(reason: AbortCause): void;
}

/**
 * Stops one attempt: what the call's timer and the caller's abort fire, and what the transport listens to. An
 * `AbortController` would do, but creating one (an EventTarget and its signal) and the transport's listener on it cost
 * about 5% of the client's CPU per call; a field and the one listener there is do the same. The fetch transport turns
 * it into a real `AbortSignal`.
 */
export class AttemptAbort {
  aborted = false;
  reason: AbortCause | undefined;
  private listener: AbortListener | undefined;

  abort(reason: AbortCause): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listener = this.listener;
    this.listener = undefined;
    listener?.attemptAborted(reason);
  }

  /** Sets the transport's listener (one; undefined removes it). Check `aborted` first: a past abort is not replayed. */
  listen(listener: AbortListener | undefined): void {
    this.listener = listener;
  }
}
