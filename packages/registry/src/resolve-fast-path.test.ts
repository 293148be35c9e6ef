import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidReferenceError } from "./errors/invalid-reference-error.js";
import { TemplateNotFoundError } from "./errors/template-not-found-error.js";
import { parseReference } from "./reference.js";
import { createRegistry, RESOLVE_CACHE_SIZE } from "./registry.js";
import type { Registry, TemplateStatus, TemplateVersion } from "./types.js";

function version(id: string, v: string, status: TemplateStatus): TemplateVersion {
  return {
    id,
    version: v,
    description: `${id} ${v}`,
    owners: ["team@acme.example"],
    tags: [],
    status,
    changelog: "c",
    model: { name: "openai/gpt-4o-mini", params: {}, fallbacks: [] },
    messages: [{ role: "user", content: "hi" }],
    inputSchema: { type: "object", properties: {}, additionalProperties: false },
    input: z.strictObject({}),
    examples: [],
    hash: `sha256:${"0".repeat(64)}`,
    source: { path: `${id}/${v}.yaml` },
  };
}

/** What resolving a reference did: the version it found, or the error class and kind it threw. */
function outcome(run: () => TemplateVersion): string {
  try {
    const found = run();
    return `${found.id}@${found.version}`;
  } catch (error) {
    if (TemplateNotFoundError.isInstance(error)) return `not found: ${error.kind}`;
    if (InvalidReferenceError.isInstance(error)) return "invalid";
    throw error;
  }
}

const semverArb = fc
  .tuple(fc.nat({ max: 2 }), fc.nat({ max: 2 }), fc.nat({ max: 2 }), fc.boolean())
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? "-rc.1" : ""}`);
const statusArb = fc.constantFrom<TemplateStatus>("draft", "published", "deprecated");
const idArb = fc.constantFrom("a/one", "a/two", "b");
const referenceArb = fc.oneof(
  idArb,
  fc.tuple(idArb, semverArb).map(([id, v]) => `${id}@${v}`),
  fc.tuple(idArb, fc.constantFrom("latest", "production", "staging", "nope")).map(([id, l]) => `${id}@${l}`),
  fc
    .tuple(idArb, fc.constantFrom("^0", "^1", "~1.1", ">=1.0.0 <2", "*", "2.x", ">=1.0.0-rc.1", "^9"))
    .map(([id, r]) => `${id}@${r}`),
  fc.constantFrom("Bad", "a/one@", "a/one@!!", "x/unknown@1.0.0"),
);

describe("resolve(string) fast path and range cache", () => {
  // A property test with many runs: a generous timeout for a loaded machine, not a speed assertion.
  it("answers every reference string exactly as parsing it and resolving the TemplateRef does, on every call", {
    timeout: 60_000,
  }, () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(idArb, semverArb, statusArb), { minLength: 1, maxLength: 15 }),
        fc.record({ production: semverArb, staging: semverArb }, { requiredKeys: [] }),
        fc.array(referenceArb, { minLength: 1, maxLength: 20 }),
        (rows, labelMap, references) => {
          const byKey = new Map(rows.map(([id, v, status]) => [`${id}@${v}`, version(id, v, status)]));
          const versions = [...byKey.values()];
          const ids = new Set(versions.map((v) => v.id));
          // Labels only where the target version exists (the loader guarantees it).
          const labels = new Map(
            [...ids].map((id) => [
              id,
              Object.fromEntries(Object.entries(labelMap).filter(([, v]) => byKey.has(`${id}@${v}`))),
            ]),
          );
          const registry: Registry = createRegistry({ versions, labels, partials: new Map() });
          for (const reference of references) {
            const expected = outcome(() => registry.resolve(parseReference(reference)));
            // Twice: the first call may fill the cache, the second must read the same answer back.
            expect(outcome(() => registry.resolve(reference))).toBe(expected);
            expect(outcome(() => registry.resolve(reference))).toBe(expected);
            if (expected !== "invalid") {
              expect(registry.tryResolve(reference)?.version).toBe(
                expected.startsWith("not found") ? undefined : expected.split("@")[1],
              );
            }
          }
        },
      ),
    );
  });

  // A property test with many runs: a generous timeout for a loaded machine, not a speed assertion.
  it("stays correct past the range cache bound (oldest ranges are evicted, then resolved again)", {
    timeout: 60_000,
  }, () => {
    const versions = Array.from({ length: 50 }, (_, minor) => version("t", `1.${minor}.0`, "published"));
    const registry = createRegistry({ versions, labels: new Map(), partials: new Map() });
    // More distinct range strings than the cache holds.
    const ranges: { reference: string; expected: string }[] = [];
    for (let low = 0; ranges.length < RESOLVE_CACHE_SIZE + 200; low = (low + 1) % 49) {
      for (let high = low + 1; high <= 49 && ranges.length < RESOLVE_CACHE_SIZE + 200; high++) {
        // The "|| >=N.0.0" alternative matches nothing here; it only makes each string distinct.
        ranges.push({
          reference: `t@>=1.${low}.0 <1.${high}.0 || >=${100 + ranges.length}.0.0`,
          expected: `1.${high - 1}.0`,
        });
      }
    }
    for (const { reference, expected } of ranges) expect(registry.resolve(reference).version).toBe(expected);
    // The first ones were evicted; they resolve again, to the same versions.
    for (const { reference, expected } of ranges.slice(0, 50))
      expect(registry.resolve(reference).version).toBe(expected);
  });

  it("never caches failures: an unknown label or unsatisfiable range throws on every call", () => {
    const registry = createRegistry({
      versions: [version("t", "1.0.0", "published")],
      labels: new Map([["t", { production: "1.0.0" }]]),
      partials: new Map(),
    });
    for (let i = 0; i < 3; i++) {
      expect(() => registry.resolve("t@staging")).toThrow(TemplateNotFoundError);
      expect(() => registry.resolve("t@^2")).toThrow(TemplateNotFoundError);
      expect(() => registry.resolve("t@ 1.0.0")).toThrow(InvalidReferenceError);
    }
    expect(registry.resolve("t@production")).toBe(registry.resolve("t@1.0.0"));
    expect(registry.resolve("t")).toBe(registry.resolve("t@latest"));
  });
});
