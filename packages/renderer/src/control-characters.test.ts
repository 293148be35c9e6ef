import { thrownBy } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fakeRegistry, makeVersion } from "../test/fake-registry.js";
import { RenderError } from "./errors/render-error.js";
import { lintTemplate } from "./lint.js";
import { createRenderer } from "./renderer.js";

// Template text ends up in lint problems and render errors, which tools print line by line: a control character in
// it (an ESC byte, a line separator) must arrive escaped, or it could recolour a terminal or forge a line. Found by
// the fuzz suite: Handlebars' parse errors quote the source line, ESC and all.

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

function setup(content: string) {
  const version = makeVersion({
    messages: [{ role: "user", content }],
    input: z.object({ name: z.string() }),
  });
  return { version, renderer: createRenderer({ registry: fakeRegistry([version]) }) };
}

describe("control characters from a template never reach a message raw", () => {
  it.each([
    ["a syntax error that quotes the line", "Hi \u001b[31m{{> chain/0}}"],
    ["a syntax error at a line separator", "Hi \u2028{{#if}}"],
    ["an unknown helper named with ESC", "{{sh\u001bout name}}"],
    ["a variable named with ESC", "{{na\u001bme}}"],
  ])("%s: lint and render escape it", (_, content) => {
    const { version, renderer } = setup(content);
    const problems = lintTemplate(version, new Map());
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem.message).not.toMatch(RAW_CONTROL);
    const error = thrownBy(() => renderer.render("test/template", { name: "Ann" }), RenderError);
    expect(error.message).not.toMatch(RAW_CONTROL);
  });
});
