import type { Problem } from "@promptreg/registry";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { makeVersion } from "../test/fake-registry.js";
import { lintTemplateCounted } from "./lint.js";

// The linter walks each partial once per distinct context it is included in, not once per path to it: a tree of
// partials that each include the next one twice has 2^N paths (N=20 took 7 s before). Work is counted in
// statements visited, never timed.

const schema = z.object({
  name: z.string(),
  items: z.array(z.object({ label: z.string() })),
  customer: z.object({ name: z.string() }),
});

interface Case {
  name: string;
  /** The message that starts the chain. */
  message: string;
  /** Partial `p<i>` of the chain, which includes `p<i+1>` (the last one reads `name`). */
  link: (next: string) => string;
  /** Nesting levels each link adds (a chain deeper than BUDGETS.maxTemplateNesting is a nesting_too_deep error). */
  levels: number;
}

const cases: Case[] = [
  {
    name: "includes the next one twice",
    message: "{{> p0}}",
    link: (next) => `{{> ${next}}}{{> ${next}}}`,
    levels: 1,
  },
  {
    name: "passes its context and a hash argument to the next one, twice",
    message: "{{> p0 this}}",
    link: (next) => `{{> ${next} this label=name}}{{> ${next} this label=name}}`,
    levels: 1,
  },
  {
    // Context stacks differ along every path (2^N of them), but none of these partials looks below its own context.
    name: "includes the next one with @root, then with one of its properties, as context",
    message: "{{> p0 customer}}",
    link: (next) => `{{> ${next} @root}}{{> ${next} @root.customer}}`,
    levels: 1,
  },
  {
    name: "includes the next one twice inside #each with block parameters",
    message: "{{> p0}}",
    link: (next) =>
      `{{#each @root.items as |item i|}}{{item.label}}{{> ${next}}}{{/each}}{{#each @root.items as |item i|}}{{> ${next}}}{{/each}}`,
    levels: 2,
  },
  {
    name: "nests partial blocks of the next one twice",
    message: "{{#> p0}}{{name}}{{/p0}}",
    link: (next) =>
      `{{#> ${next}}}{{> @partial-block}}{{/${next}}}{{#> ${next}}}{{> @partial-block}}{{/${next}}}`,
    levels: 1,
  },
];

function chain(n: number, link: (next: string) => string): Map<string, string> {
  const partials = new Map<string, string>();
  for (let i = 0; i < n; i++) partials.set(`p${i}`, link(`p${i + 1}`));
  // Reads from the root, so it is clean in whatever context the chain reaches it.
  partials.set(`p${n}`, "{{@root.name}}{{#each @root.items}}{{label}}{{/each}}{{@root.customer.name}}");
  return partials;
}

const errorCodes = (problems: Problem[]) =>
  problems.filter((problem) => problem.severity === "error").map((problem) => problem.code);

function inlineChain(n: number): string {
  const defs: string[] = [];
  for (let i = 0; i < n; i++) defs.push(`{{#*inline "a${i}"}}{{> a${i + 1}}}{{> a${i + 1}}}{{/inline}}`);
  defs.push(`{{#*inline "a${n}"}}{{name}}{{#each items}}{{label}}{{/each}}{{/inline}}`);
  return `${defs.join("")}{{> a0}}`;
}

describe("lint work is linear in the size of the expanded partial graph", () => {
  for (const { name, message, link, levels } of cases) {
    for (const n of [20, 200]) {
      it(`partials where each ${name} (N=${n})`, () => {
        const version = makeVersion({ messages: [{ role: "user", content: message }], input: schema });
        const { problems, visits } = lintTemplateCounted(version, chain(n, link));
        // Over 64 levels, the chain is over the nesting budget (and the walk stops there); otherwise it is clean.
        expect(errorCodes(problems)).toEqual(n * levels > 64 ? ["nesting_too_deep"] : []);
        // Each partial holds a handful of statements; exponential work would be 2^N visits.
        expect(visits).toBeLessThanOrEqual(12 * (Math.min(n, 64) + 2));
      });
    }
  }

  for (const n of [20, 200]) {
    it(`inline partials that each include the next one twice (N=${n})`, () => {
      const version = makeVersion({ messages: [{ role: "user", content: inlineChain(n) }], input: schema });
      const { problems, visits } = lintTemplateCounted(version, new Map());
      expect(errorCodes(problems)).toEqual(n > 64 ? ["nesting_too_deep"] : []);
      expect(visits).toBeLessThanOrEqual(12 * (n + 2));
    });
  }

  it("still reports a problem deep in the graph once, at the message's inclusion", () => {
    const partials = chain(20, (next) => `{{> ${next}}}{{> ${next}}}`);
    partials.set("p20", "{{nmae}}{{#each items}}{{label}}{{/each}}{{customer.name}}");
    const version = makeVersion({ messages: [{ role: "user", content: "Hi {{> p0}}" }], input: schema });
    const { problems } = lintTemplateCounted(version, partials);
    expect(problems.map((problem) => problem.code)).toEqual(["undeclared_variable", "unused_input"]);
    expect(problems[0]!.message).toContain('partial "p20"');
    expect(problems[0]!.message).toContain('Did you mean "name"?');
  });
});

describe("memoised walks still tell contexts apart where a partial looks", () => {
  it("walks a partial that reads ../ again when the frame below its context differs", () => {
    const version = makeVersion({
      messages: [
        { role: "user", content: "{{#with order}}{{> card @root.customer}}{{/with}} {{> card customer}}" },
      ],
      input: z.object({
        customer: z.object({ name: z.string() }),
        order: z.object({ total: z.number() }),
      }),
    });
    const { problems } = lintTemplateCounted(version, new Map([["card", "{{name}}: {{../total}}"]]));
    // Inside #with order, ../total is the order's; from the message, ../ is the input, which has no total.
    expect(problems.map((problem) => problem.code)).toEqual(["undeclared_variable"]);
    expect(problems[0]!.message).toContain('"../total"');
  });
});
