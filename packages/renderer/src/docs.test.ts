import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fakeRegistry, makeVersion } from "../test/fake-registry.js";
import { createRenderer } from "./renderer.js";

// Executes the helper table of docs/renderer.md, so the documentation cannot drift from the code.
const DOC = fileURLToPath(new URL("../../../docs/renderer.md", import.meta.url));

function helperRows(): { helper: string; template: string; input: unknown; output: string }[] {
  const lines = readFileSync(DOC, "utf8").split("\n");
  const start = lines.indexOf("| helper | template | input | output |");
  if (start === -1) throw new Error("docs/renderer.md lost its helper table");
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const cells = line
      .slice(2, -2)
      .split(" | ")
      .map((cell) => cell.trim().replace(/^`(.*)`$/, "$1"));
    const [helper, template, input, output] = cells as [string, string, string, string];
    rows.push({ helper, template, input: JSON.parse(input), output: output.replace(/\\n/g, "\n") });
  }
  return rows;
}

const rows = helperRows();

describe("docs/renderer.md helper table", () => {
  it("documents every built-in helper", () => {
    const documented = new Set(rows.map((row) => row.helper.split(" ")[0]));
    for (const name of [
      "json",
      "join",
      "eq",
      "ne",
      "and",
      "or",
      "not",
      "default",
      "truncate",
      "upper",
      "lower",
      "trim",
      "length",
      "add",
      "indent",
      "lookup",
    ]) {
      expect(documented).toContain(name);
    }
  });

  it.each(rows.map((row) => [row.helper, row] as const))("%s renders as documented", (_name, row) => {
    const version = makeVersion({
      messages: [{ role: "user", content: row.template }],
      input: z.looseObject({}),
    });
    const renderer = createRenderer({ registry: fakeRegistry([version]) });
    expect(renderer.render("test/template", row.input).messages[0]!.content).toBe(row.output);
  });
});
