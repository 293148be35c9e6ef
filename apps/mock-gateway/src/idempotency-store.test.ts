import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OK_STEP } from "./faults/fault-step.js";
import { IdempotencyStore } from "./idempotency-store.js";
import type { ReplyPlan } from "./reply/completion.js";

function reply(content: string) {
  const plan: ReplyPlan = {
    id: `gen_${content}`,
    created: 0,
    model: "m",
    provider: "p",
    content,
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
  return { bodyHash: `hash-${content}`, plan, step: OK_STEP };
}

function fakeClock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("IdempotencyStore", () => {
  it("replays a key within the window and forgets it once the window has passed", () => {
    const clock = fakeClock();
    const store = new IdempotencyStore({ windowMs: 60_000, maxKeys: 10, maxBytes: 1 << 20 }, clock.now);
    store.set("k", reply("a"));
    clock.advance(59_999);
    expect(store.get("k")?.plan.id).toBe("gen_a");
    clock.advance(1);
    expect(store.get("k")).toBeUndefined();
    expect(store.size).toBe(0);
    expect(store.bytes).toBe(0);
  });

  it("evicts the least recently used key beyond maxKeys", () => {
    const store = new IdempotencyStore({ windowMs: 60_000, maxKeys: 2, maxBytes: 1 << 20 });
    store.set("k1", reply("a"));
    store.set("k2", reply("b"));
    store.get("k1"); // k1 is now the most recently used
    store.set("k3", reply("c"));
    expect(store.get("k2")).toBeUndefined();
    expect(store.get("k1")?.plan.id).toBe("gen_a");
    expect(store.get("k3")?.plan.id).toBe("gen_c");
  });

  it("holds its bytes under maxBytes, and a reply larger than the budget is not kept", () => {
    const store = new IdempotencyStore({ windowMs: 60_000, maxKeys: 1_000, maxBytes: 4_000 });
    for (let i = 0; i < 20; i++) store.set(`k${i}`, reply("x".repeat(500)));
    expect(store.bytes).toBeLessThanOrEqual(4_000);
    expect(store.size).toBeGreaterThan(0);
    expect(store.get("k19")).toBeDefined();
    expect(store.get("k0")).toBeUndefined();
    store.set("huge", reply("y".repeat(5_000)));
    expect(store.get("huge")).toBeUndefined();
    expect(store.get("k19")).toBeDefined();
  });

  it("windowMs 0 turns it off", () => {
    const store = new IdempotencyStore({ windowMs: 0, maxKeys: 10, maxBytes: 1 << 20 });
    store.set("k", reply("a"));
    expect(store.enabled).toBe(false);
    expect(store.get("k")).toBeUndefined();
  });

  it("keeps exactly the most recently used replies within maxKeys and maxBytes, whatever the sequence of gets and sets", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("get" as const), key: fc.constantFrom("a", "b", "c", "d", "e", "f") }),
      fc.record({
        kind: fc.constant("set" as const),
        key: fc.constantFrom("a", "b", "c", "d", "e", "f"),
        length: fc.integer({ min: 0, max: 600 }),
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 600, max: 3_000 }),
        fc.array(op, { maxLength: 120 }),
        (maxKeys, maxBytes, ops) => {
          const store = new IdempotencyStore({ windowMs: 60_000, maxKeys, maxBytes }, () => 0);
          // The reference: least recently used first, bytes as the store counts them (512 per key plus text).
          let model: { key: string; content: string; bytes: number }[] = [];
          for (const step of ops) {
            if (step.kind === "get") {
              const found = model.find((entry) => entry.key === step.key);
              if (found) model = [...model.filter((entry) => entry !== found), found];
              expect(store.get(step.key)?.plan.content).toBe(found?.content);
            } else {
              const content = String.fromCharCode(97 + (step.length % 26)).repeat(step.length);
              const bytes = 512 + step.key.length + content.length;
              if (bytes <= maxBytes) {
                model = [
                  ...model.filter((entry) => entry.key !== step.key),
                  { key: step.key, content, bytes },
                ];
                const total = () => model.reduce((sum, entry) => sum + entry.bytes, 0);
                while (model.length > maxKeys || total() > maxBytes) model.shift();
              }
              store.set(step.key, reply(content));
            }
            expect(store.size).toBe(model.length);
            expect(store.bytes).toBe(model.reduce((sum, entry) => sum + entry.bytes, 0));
          }
        },
      ),
    );
  });
});
