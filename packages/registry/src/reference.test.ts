import { thrownBy } from "@promptreg/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidReferenceError } from "./errors/invalid-reference-error.js";
import { formatReference, parseReference } from "./reference.js";

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,11}$/);
const id = fc
  .array(segment, { minLength: 1, maxLength: 4 })
  .map((s) => s.join("/"))
  .filter((s) => s.length <= 128);
const num = fc.nat({ max: 40 });
const version = fc
  .tuple(num, num, num, fc.option(fc.constantFrom("rc.1", "alpha", "beta.2", "0"), { nil: undefined }))
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ""}`);
const range = fc.oneof(
  num.map((n) => `^${n}`),
  fc.tuple(num, num).map(([a, b]) => `~${a}.${b}`),
  fc.tuple(num, num).map(([a, b]) => `>=${a} <${a + b + 1}`),
  num.map((n) => `${n}.x`),
);
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((l) => l !== "latest");
const canonicalRef = fc.oneof(
  id,
  fc.tuple(id, version).map(([i, v]) => `${i}@${v}`),
  fc.tuple(id, range).map(([i, r]) => `${i}@${r}`),
  fc.tuple(id, label).map(([i, l]) => `${i}@${l}`),
);

describe("versions written the way npm allows but files never are", () => {
  it.each([
    ["demo/x@v1.2.0", 7, '"@1.2.0"'],
    ["demo/x@=1.2.0", 7, '"@1.2.0"'],
    ["demo/x@1.2.0+abc", 12, '"@1.2.0"'],
    ["demo/x@>=v1.2.0 <2", 9, '"@>=1.2.0 <2"'],
    ["demo/x@^1.2.0+b.1", 13, '"@^1.2.0"'],
  ])("refuses %s at position %i and says to write %s", (reference, position, fix) => {
    const thrown = thrownBy(() => parseReference(reference));
    expect(InvalidReferenceError.isInstance(thrown), String(thrown)).toBe(true);
    const error = thrown as InvalidReferenceError;
    expect(error.position).toBe(position);
    expect(error.reason).toContain(`write ${fix} instead`);
  });

  it("refuses whitespace other than spaces in a range, which could forge lines of output", () => {
    const thrown = thrownBy(() => parseReference("demo/x@>=1\n<2"));
    expect((thrown as InvalidReferenceError).position).toBe(10);
    const lines = (thrown as Error).message.split("\n");
    // The message, the escaped reference and the caret under the offending character: no line from the input.
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('"demo/x@>=1\\n<2"');
    expect(lines[1]).toBe("  demo/x@>=1\\u000a<2");
    expect(lines[2]).toBe(`  ${" ".repeat(10)}^`);
  });

  it("still accepts labels that start with v, ranges with >= and <=, x-ranges and hyphen ranges", () => {
    expect(parseReference("demo/x@v1").selector).toEqual({ kind: "label", value: "v1" });
    for (const range of [">=1.0.0 <=1.1.0", "1.x", "^2.0.0-rc.1", "1.2.3 - 2.3.4", "^1 || ^2"]) {
      expect(parseReference(`demo/x@${range}`).selector).toEqual({ kind: "range", value: range });
    }
  });
});

describe("parseReference", () => {
  it("parses each selector kind", () => {
    expect(parseReference("support/summarize-ticket")).toEqual({
      id: "support/summarize-ticket",
      selector: { kind: "latest" },
    });
    expect(parseReference("a@latest").selector).toEqual({ kind: "latest" });
    expect(parseReference("a@1.2.0").selector).toEqual({ kind: "exact", value: "1.2.0" });
    expect(parseReference("a@2.0.0-rc.1").selector).toEqual({ kind: "exact", value: "2.0.0-rc.1" });
    expect(parseReference("a@^1").selector).toEqual({ kind: "range", value: "^1" });
    expect(parseReference("a@~1.2").selector).toEqual({ kind: "range", value: "~1.2" });
    expect(parseReference("a@>=1 <2").selector).toEqual({ kind: "range", value: ">=1 <2" });
    expect(parseReference("a@1").selector).toEqual({ kind: "range", value: "1" });
    expect(parseReference("a@production").selector).toEqual({ kind: "label", value: "production" });
  });

  it.each([
    ["", 0, "empty"],
    ["Support/x", 0, "uppercase"],
    ["a/../b", 2, "must start"],
    ["/abs", 0, "empty id segment"],
    ["a\\b", 1, "not allowed"],
    ["a//b", 2, "empty id segment"],
    ["a@", 2, 'nothing after "@"'],
    ["a@ 1.0.0", 2, "whitespace"],
    ["a@1.0.0@2", 7, "neither"],
    ["a@!!", 2, "neither"],
    ["-a", 0, "must start"],
  ])("rejects %j at position %i", (reference, position, reason) => {
    const error = thrownBy(() => parseReference(reference));
    expect(InvalidReferenceError.isInstance(error)).toBe(true);
    const typed = error as InvalidReferenceError;
    expect(typed.code).toBe("invalid_reference");
    expect(typed.position).toBe(position);
    expect(typed.reason).toContain(reason);
    expect(typed.reference).toBe(reference);
  });

  it("rejects ids longer than 128 characters", () => {
    expect(() => parseReference("a".repeat(129))).toThrow(/longer than 128/);
    expect(parseReference("a".repeat(128)).id).toHaveLength(128);
  });

  it("round-trips canonical references through formatReference", () => {
    fc.assert(
      fc.property(canonicalRef, (ref) => {
        expect(formatReference(parseReference(ref))).toBe(ref);
      }),
      { numRuns: 500 },
    );
  });

  it("formats latest as the bare id", () => {
    expect(formatReference(parseReference("a/b@latest"))).toBe("a/b");
  });

  it("throws nothing but InvalidReferenceError for arbitrary strings", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: "grapheme" }),
          fc.string({ maxLength: 600 }),
          canonicalRef.map((r) => `${r}@~^<>`),
        ),
        (input) => {
          try {
            const ref = parseReference(input);
            expect(typeof ref.id).toBe("string");
          } catch (error) {
            expect(InvalidReferenceError.isInstance(error)).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
