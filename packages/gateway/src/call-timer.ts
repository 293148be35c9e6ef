import { abortCall, type CallContext, type CallDeadlines } from "./call-context.js";
import type { TimeoutOptions } from "./config.js";

/** Node may run a timer up to a millisecond before `performance.now()` says it is due (libuv's cached loop time). */
const EARLY_MS = 1;

/** Between attempts (bulkhead queue, backoff): only the overall deadline runs. */
const BETWEEN = 0;
/** An attempt waits for response headers: the attempt deadline runs too. */
const HEADERS = 1;
/** An attempt reads the body: the idle deadline (gap between chunks) runs too. */
const BODY = 2;

/**
 * One timer per call for all three deadlines. The overall deadline, the running attempt's headers deadline and the
 * idle deadline each only ever need the earliest of them armed: when the timer fires it checks which deadline is
 * really due (chunks move the idle deadline forward by recording the time, not by re-arming) and re-arms for the
 * next one. A call that succeeds without a stall sets one timer and clears it once.
 */
export class CallTimer implements CallDeadlines {
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (performance.now() time). */
  private armedFor = 0;
  private phase: typeof BETWEEN | typeof HEADERS | typeof BODY = BETWEEN;
  private attemptDue = 0;
  private lastActivity = 0;
  private readonly overallDue: number;

  constructor(
    private readonly ctx: CallContext,
    private readonly timeouts: Pick<TimeoutOptions, "attemptMs" | "idleMs">,
  ) {
    const now = performance.now();
    this.overallDue = now + ctx.deadlineMs;
    // The first attempt starts at once, so its headers deadline is armed from the start.
    this.arm(now, Math.min(ctx.deadlineMs, timeouts.attemptMs));
  }

  /** An attempt starts: its headers deadline runs from now. */
  attemptStarted(): void {
    const now = performance.now();
    this.phase = HEADERS;
    this.attemptDue = now + this.timeouts.attemptMs;
    if (this.attemptDue < this.armedFor - EARLY_MS) this.arm(now, this.attemptDue - now);
  }

  /** Headers arrived: from now on the gap between chunks is watched. */
  headersReceived(): void {
    const now = performance.now();
    this.phase = BODY;
    this.lastActivity = now;
    const idleDue = now + this.timeouts.idleMs;
    if (idleDue < this.armedFor - EARLY_MS) this.arm(now, idleDue - now);
  }

  /** A body chunk arrived (the ActivityWatch of the readers). */
  refresh(): void {
    this.lastActivity = performance.now();
  }

  attemptEnded(): void {
    this.phase = BETWEEN;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(now: number, inMs: number): void {
    clearTimeout(this.timer);
    const delay = Math.max(1, Math.ceil(inMs));
    this.armedFor = now + delay;
    this.timer = setTimeout(fire, delay, this);
  }

  /** @internal Called by the timer. */
  fired(): void {
    this.timer = undefined;
    const now = performance.now();
    const ctx = this.ctx;
    if (now >= this.overallDue - EARLY_MS) {
      abortCall(ctx, { kind: "overall", ms: ctx.deadlineMs });
      return;
    }
    let next = this.overallDue;
    if (this.phase === HEADERS) {
      if (now >= this.attemptDue - EARLY_MS) {
        this.phase = BETWEEN;
        ctx.attemptAbort?.abort({ kind: "attempt", ms: this.timeouts.attemptMs });
      } else next = Math.min(next, this.attemptDue);
    } else if (this.phase === BODY) {
      const idleDue = this.lastActivity + this.timeouts.idleMs;
      if (now >= idleDue - EARLY_MS) {
        this.phase = BETWEEN;
        ctx.attemptAbort?.abort({ kind: "idle", ms: this.timeouts.idleMs });
      } else next = Math.min(next, idleDue);
    }
    this.arm(now, next - now);
  }
}

function fire(timer: CallTimer): void {
  timer.fired();
}
