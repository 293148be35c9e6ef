import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { isStrictSemver } from "./ids.js";

describe("isStrictSemver", () => {
  it("accepts exactly the strings semver writes back unchanged (its digit pre-check changes no answer)", () => {
    const versionLike = fc
      .tuple(
        fc.constantFrom("", "v", "=", " ", "x"),
        fc.nat({ max: 20 }),
        fc.nat({ max: 20 }),
        fc.nat({ max: 20 }),
        fc.constantFrom("", "-rc.1", "-alpha", "+build.5", "-01", ".4"),
      )
      .map(([prefix, a, b, c, suffix]) => `${prefix}${a}.${b}.${c}${suffix}`);
    fc.assert(
      fc.property(fc.oneof(fc.string(), versionLike), (text) => {
        expect(isStrictSemver(text)).toBe(semver.valid(text) === text);
      }),
      { numRuns: 2000 },
    );
    expect(["1.2.3", "2.0.0-rc.1", "10.20.30"].every(isStrictSemver)).toBe(true);
    expect(["v1.2.3", "1.2.3+b", "production", "latest", "^1", "1.2"].some(isStrictSemver)).toBe(false);
  });
});
