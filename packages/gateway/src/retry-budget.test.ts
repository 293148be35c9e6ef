import { describe, expect, it } from "vitest";
import { RetryBudget } from "./retry-budget.js";

function budget(now: { t: number }) {
  return new RetryBudget({ ratio: 0.1, minRetries: 2, windowMs: 1_000, now: () => now.t });
}

describe("RetryBudget", () => {
  it("allows minRetries plus ratio * requests within the window, then refuses", () => {
    const clock = { t: 0 };
    const b = budget(clock);
    for (let i = 0; i < 50; i++) b.recordRequest();
    // 2 + 0.1 * 50 = 7 retries
    const granted = Array.from({ length: 20 }, () => b.tryRetry()).filter(Boolean).length;
    expect(granted).toBe(7);
    expect(b.snapshot()).toEqual({ requests: 50, retries: 7 });
  });

  it("frees the budget once the old requests and retries slide out of the window", () => {
    const clock = { t: 0 };
    const b = budget(clock);
    for (let i = 0; i < 10; i++) b.recordRequest();
    while (b.tryRetry()) {}
    expect(b.tryRetry()).toBe(false);
    clock.t = 1_500;
    expect(b.snapshot()).toEqual({ requests: 0, retries: 0 });
    expect(b.tryRetry()).toBe(true);
  });

  it("keeps counting the part of the window that is still recent", () => {
    const clock = { t: 0 };
    const b = budget(clock);
    for (let i = 0; i < 10; i++) b.recordRequest();
    clock.t = 600;
    for (let i = 0; i < 10; i++) b.recordRequest();
    clock.t = 1_050; // the first 10 requests (t=0) left the window, the second 10 (t=600) have not
    expect(b.snapshot().requests).toBe(10);
  });
});
