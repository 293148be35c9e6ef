import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createRegistry } from "./registry.js";
import type { TemplateStatus, TemplateVersion } from "./types.js";

function version(id: string, v: string, status: TemplateStatus, tags: string[] = []): TemplateVersion {
  return {
    id,
    version: v,
    description: `${id} ${v}`,
    owners: ["team@acme.example"],
    tags,
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

const semverArb = fc
  .tuple(
    fc.nat({ max: 3 }),
    fc.nat({ max: 3 }),
    fc.nat({ max: 3 }),
    fc.option(fc.constantFrom("rc.1", "rc.2", "alpha", "beta.1"), { nil: undefined }),
  )
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ""}`);
const rangeArb = fc.oneof(
  fc.nat({ max: 4 }).map((n) => `^${n}`),
  fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 })).map(([a, b]) => `~${a}.${b}`),
  fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 })).map(([a, b]) => `>=${a}.${b}.0 <${a + 1}`),
  fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 })).map(([a, b]) => `>=${a}.${b}.0-rc.1`),
  fc.constant("*"),
  fc.nat({ max: 3 }).map((n) => `${n}.x`),
);
const statusArb = fc.constantFrom<TemplateStatus>("draft", "published", "deprecated");

describe("createRegistry resolution", () => {
  // 400 property runs take a few seconds on a loaded machine: a generous timeout, not a speed assertion.
  it("agrees with semver.maxSatisfying over published versions, and latest skips prereleases and drafts", {
    timeout: 60_000,
  }, () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(semverArb, statusArb), { selector: ([v]) => v, minLength: 1, maxLength: 12 }),
        rangeArb,
        (entries, range) => {
          const registry = createRegistry({
            versions: entries.map(([v, status]) => version("t", v, status)),
            labels: new Map(),
            partials: new Map(),
          });
          const published = entries.filter(([, s]) => s === "published").map(([v]) => v);
          const expected = semver.maxSatisfying(published, range);
          expect(registry.tryResolve(`t@${range}`)?.version ?? null).toBe(expected);
          const stable = published.filter((v) => semver.prerelease(v) === null).sort(semver.rcompare);
          expect(registry.tryResolve("t")?.version).toBe(stable[0]);
          expect(registry.versions("t")).toEqual(entries.map(([v]) => v).sort(semver.compare));
          for (const [v] of entries) expect(registry.resolve(`t@${v}`).version).toBe(v);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("lets exact versions and labels select drafts, but not ranges or latest", () => {
    const registry = createRegistry({
      versions: [version("t", "1.0.0", "published"), version("t", "1.1.0", "draft")],
      labels: new Map([["t", { staging: "1.1.0" }]]),
      partials: new Map(),
    });
    expect(registry.resolve("t@1.1.0").status).toBe("draft");
    expect(registry.resolve("t@staging").version).toBe("1.1.0");
    expect(registry.resolve("t@^1").version).toBe("1.0.0");
    expect(registry.resolve("t@latest").version).toBe("1.0.0");
    expect(registry.resolve({ id: "t", selector: { kind: "exact", value: "1.0.0" } }).version).toBe("1.0.0");
    const bogus = { id: "t", selector: { kind: "newest" } } as unknown as Parameters<
      typeof registry.resolve
    >[0];
    expect(() => registry.resolve(bogus)).toThrow(/unknown selector kind "newest"/);
  });

  it("lists summaries with filters and returns defensive copies", () => {
    const registry = createRegistry({
      versions: [
        version("support/a", "1.0.0", "published", ["support"]),
        version("support/a", "2.0.0", "draft", ["support", "new"]),
        version("sales/b", "0.1.0", "draft", ["sales"]),
      ],
      labels: new Map(),
      partials: new Map([["p", "x"]]),
    });
    expect(registry.list().map((s) => s.id)).toEqual(["sales/b", "support/a"]);
    const supportA = registry.list({ idPrefix: "support/" })[0]!;
    expect(supportA).toMatchObject({
      latest: "1.0.0",
      status: "published",
      versions: ["1.0.0", "2.0.0"],
      tags: ["support"],
    });
    expect(registry.list({ tag: "sales" }).map((s) => s.id)).toEqual(["sales/b"]);
    expect(registry.list({ status: "draft" }).map((s) => s.id)).toEqual(["sales/b"]);
    expect(registry.list({ owner: "nobody" })).toEqual([]);
    expect(registry.list({ idPrefix: "sales/" })[0]!.latest).toBeUndefined();
    registry.ids().push("mutated");
    registry.versions("support/a").push("9.9.9");
    expect(registry.ids()).toEqual(["sales/b", "support/a"]);
    expect(registry.versions("support/a")).toEqual(["1.0.0", "2.0.0"]);
    expect(() => (registry.partials as Map<string, string>).set("q", "y")).toThrow(TypeError);
    expect(registry.get("support/a", "2.0.0")?.status).toBe("draft");
    expect(registry.get("support/a", "3.0.0")).toBeUndefined();
    expect(Object.isFrozen(registry.get("support/a", "1.0.0"))).toBe(true);
  });

  it("checks a broken id once: every later use throws the same error, and other ids still serve", () => {
    class Tampered extends Error {}
    const checked: string[] = [];
    const registry = createRegistry({
      versions: [version("bad", "1.0.0", "published"), version("good", "1.0.0", "published")],
      labels: new Map([["bad", { production: "1.0.0" }]]),
      partials: new Map(),
      prepare: (versions) => {
        checked.push(versions[0]!.id);
        if (versions[0]!.id === "bad") throw new Tampered("bad@1.0.0 was modified");
        return versions;
      },
    });
    const uses = [
      () => registry.resolve("bad"),
      () => registry.resolve("bad@production"),
      () => registry.get("bad", "1.0.0"),
      () => registry.list(),
      () => [...registry.templates()],
    ];
    const thrown = new Set<unknown>();
    for (const use of [...uses, ...uses]) {
      try {
        use();
        expect.unreachable("a use of the broken id returned");
      } catch (error) {
        expect(error).toBeInstanceOf(Tampered);
        thrown.add(error);
      }
    }
    expect(thrown.size).toBe(1);
    expect(registry.resolve("good").version).toBe("1.0.0");
    expect(checked).toEqual(["bad", "good"]);
  });
});
