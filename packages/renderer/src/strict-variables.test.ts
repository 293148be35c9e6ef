import { thrownBy } from "@promptreg/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fakeRegistry, makeVersion } from "../test/fake-registry.js";
import { MissingVariableError } from "./errors/missing-variable-error.js";
import { createRenderer } from "./renderer.js";

// Five optional fields; a template prints some of them bare and some behind a guard.
const FIELDS = ["alpha", "beta", "gamma", "delta", "epsilon"] as const;
const schema = z.object(Object.fromEntries(FIELDS.map((field) => [field, z.string().optional()])));
const guards = [
  (f: string) => `{{#if ${f}}}<{{${f}}}>{{/if}}`,
  (f: string) => `{{#with ${f}}}<{{this}}>{{/with}}`,
  (f: string) => `<{{default ${f} ""}}>`,
  (f: string) => `{{#unless ${f}}}-{{else}}<{{${f}}}>{{/unless}}`,
];

describe("strict variables (property)", () => {
  it("a render fails exactly when a bare field is absent, naming the first one; guarded fields never fail", () => {
    const use = fc.constantFrom("bare", "guarded", "unused");
    fc.assert(
      fc.property(
        fc.tuple(...FIELDS.map(() => use)),
        fc.tuple(
          ...FIELDS.map(() => fc.option(fc.string({ minLength: 1, maxLength: 5 }), { nil: undefined })),
        ),
        fc.nat(guards.length - 1),
        (uses, values, guardIndex) => {
          const content = FIELDS.map((field, i) =>
            uses[i] === "bare" ? `[{{${field}}}]` : uses[i] === "guarded" ? guards[guardIndex]!(field) : "",
          ).join(" ");
          const input = Object.fromEntries(
            FIELDS.flatMap((field, i) => (values[i] === undefined ? [] : [[field, values[i]]])),
          );
          const version = makeVersion({ messages: [{ role: "user", content }], input: schema });
          const renderer = createRenderer({ registry: fakeRegistry([version]) });
          const firstMissing = FIELDS.find((_field, i) => uses[i] === "bare" && values[i] === undefined);
          if (firstMissing === undefined) {
            const text = renderer.render("test/template", input).messages[0]!.content;
            FIELDS.forEach((_field, i) => {
              if (uses[i] !== "unused" && values[i] !== undefined) expect(text).toContain(values[i]);
            });
          } else {
            const caught = thrownBy(() => renderer.render("test/template", input));
            expect(MissingVariableError.isInstance(caught)).toBe(true);
            expect((caught as MissingVariableError).variable).toBe(firstMissing);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
