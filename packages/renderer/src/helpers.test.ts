import { thrownBy } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fakeRegistry, makeVersion } from "../test/fake-registry.js";
import { MissingVariableError } from "./errors/missing-variable-error.js";
import { RenderError } from "./errors/render-error.js";
import { createRenderer } from "./renderer.js";

function render(content: string, input: Record<string, unknown> = {}): string {
  const version = makeVersion({ messages: [{ role: "user", content }], input: z.looseObject({}) });
  return createRenderer({ registry: fakeRegistry([version]) }).render("test/template", input).messages[0]!
    .content;
}

const failure = (content: string, input: Record<string, unknown> = {}) =>
  thrownBy(() => render(content, input), RenderError);

describe("helpers", () => {
  it.each([
    ["{{json order}}", { order: { id: 1, tags: ["a"] } }, '{"id":1,"tags":["a"]}'],
    ["{{json order 2}}", { order: { id: 1 } }, '{\n  "id": 1\n}'],
    ["{{json text}}", { text: 'say "hi"' }, '"say \\"hi\\""'],
    ["{{join tags}}", { tags: ["a", "b", 3] }, "a, b, 3"],
    ['{{join tags " | "}}', { tags: ["a", "b"] }, "a | b"],
    ["{{#if (eq plan 'pro')}}P{{else}}F{{/if}}", { plan: "pro" }, "P"],
    ["{{#if (ne plan 'pro')}}P{{else}}F{{/if}}", { plan: "pro" }, "F"],
    ["{{#if (and a b c)}}Y{{else}}N{{/if}}", { a: 1, b: "x", c: false }, "N"],
    ["{{#if (or a b)}}Y{{else}}N{{/if}}", { a: 0, b: "x" }, "Y"],
    ["{{#if (not a)}}Y{{else}}N{{/if}}", {}, "Y"],
    ['{{default company "your team"}}', {}, "your team"],
    ['{{default company "your team"}}', { company: "" }, "your team"],
    ['{{default company "your team"}}', { company: "Acme" }, "Acme"],
    ["{{truncate text 5}}", { text: "abcdefgh" }, "abcd…"],
    ["{{truncate text 5}}", { text: "abcde" }, "abcde"],
    ["{{truncate text 2}}", { text: "😀😀😀" }, "😀…"],
    ["{{upper s}}|{{lower s}}|{{trim t}}", { s: "MiXed", t: "  x \n" }, "MIXED|mixed|x"],
    [
      "{{length list}} {{length text}} {{length obj}}",
      { list: [1, 2], text: "héllo", obj: { a: 1 } },
      "2 5 1",
    ],
    ["{{#each items}}{{add @index 1}}.{{this}} {{/each}}", { items: ["a", "b"] }, "1.a 2.b "],
    ["{{indent body}}", { body: "a\n\nb" }, "  a\n\n  b"],
    ["{{indent body 4}}", { body: "a\nb" }, "    a\n    b"],
    ['{{lookup scores "ann"}}', { scores: { ann: 3 } }, "3"],
    ["{{lookup items 1}}", { items: ["a", "b"] }, "b"],
  ])("%s with %j renders %j", (content, input, expected) => {
    expect(render(content, input)).toBe(expected);
  });

  it.each([
    "{{json missing}}",
    "{{join missing}}",
    "{{truncate missing 3}}",
    "{{upper missing}}",
    "{{lower missing}}",
    "{{trim missing}}",
    "{{length missing}}",
    "{{add missing 1}}",
    "{{indent missing}}",
  ])("%s refuses a missing value instead of printing nothing", (content) => {
    const error = failure(content);
    expect(MissingVariableError.isInstance(error)).toBe(true);
    expect((error as MissingVariableError).variable).toBe("missing");
  });

  it.each([
    ["{{join text}}", { text: "abc" }, "expected an array"],
    ["{{upper obj}}", { obj: { a: 1 } }, "expected text"],
    ["{{add a b}}", { a: "1", b: 2 }, "expected two numbers"],
    ["{{truncate text n}}", { text: "abc", n: -1 }, "non-negative integer"],
    ["{{length n}}", { n: 3 }, "expected a string, array or object"],
  ])("%s with %j is a helper_failed RenderError", (content, input, detail) => {
    const error = failure(content, input);
    expect(error.code).toBe("helper_failed");
    expect(error.message).toContain(detail);
    expect(error.message).toContain("messages[0] line 1");
  });
});
