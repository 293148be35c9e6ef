import { describe, expect, it } from "vitest";
import { registryOf, versionYaml } from "./__fixtures__/template-files.js";
import {
  CODEOWNERS_BEGIN,
  CODEOWNERS_END,
  checkCodeowners,
  codeownersSection,
  updateCodeowners,
} from "./codeowners.js";
import { RULE_CODES } from "./rule-codes.js";

async function section(owners: Record<string, string>) {
  const files: Record<string, string> = {};
  for (const [id, list] of Object.entries(owners)) {
    files[`${id}/1.0.0.yaml`] = versionYaml({
      id,
      replace: [["owners: [support@acme.example]", `owners: ${list}`]],
    });
  }
  return codeownersSection({ registry: await registryOf(files), templates: "templates" });
}

describe("CODEOWNERS from template owners", () => {
  it("one line per template with the owners GitHub can request reviews from, latest version first", async () => {
    const text = await section({
      "support/summarize": '[support@acme.example, "@acme/support-leads"]',
      "data/sql": '["Data team", "@dana"]',
      "ops/nobody": '["Ops team"]',
    });
    expect(text).toBe(
      `${CODEOWNERS_BEGIN}\n/templates/data/sql/ @dana\n/templates/support/summarize/ support@acme.example @acme/support-leads\n${CODEOWNERS_END}\n`,
    );
  });

  it("replaces only its own section and keeps the rest of the file", async () => {
    const first = await section({ "support/summarize": "[a@acme.example]" });
    const file = updateCodeowners(
      `* @acme/platform\n\n${first}/docs/ @acme/writers\n`,
      await section({ "support/summarize": "[b@acme.example]" }),
    );
    expect(file).toBe(
      `* @acme/platform\n\n${CODEOWNERS_BEGIN}\n/templates/support/summarize/ b@acme.example\n${CODEOWNERS_END}\n/docs/ @acme/writers\n`,
    );
    expect(updateCodeowners("* @acme/platform\n", first)).toBe(`* @acme/platform\n\n${first}`);
    expect(updateCodeowners(undefined, first)).toBe(first);
  });

  it("is stale when an owner changed, at the line that differs; fresh when equal", async () => {
    const before = await section({ "support/summarize": "[a@acme.example]" });
    const text = `* @acme/platform\n${before}`;
    const after = await section({ "support/summarize": "[b@acme.example]" });
    expect(checkCodeowners({ text, file: "CODEOWNERS", section: before })).toEqual([]);
    const findings = checkCodeowners({ text, file: "CODEOWNERS", section: after });
    expect(findings).toEqual([
      expect.objectContaining({ code: RULE_CODES.CODEOWNERS_STALE, file: "CODEOWNERS", line: 3, column: 1 }),
    ]);
    expect(findings[0]!.message).toContain("b@acme.example");
    expect(findings[0]!.message).toContain("promptreg codeowners");
    const removed = checkCodeowners({ text, file: "CODEOWNERS", section: await section({}) });
    expect(removed[0]!.line).toBe(3);
  });

  it("is stale when the file or its section is missing", () => {
    expect(checkCodeowners({ text: undefined, file: "CODEOWNERS", section: "x" })[0]!.message).toContain(
      "does not exist",
    );
    expect(checkCodeowners({ text: "* @a\n", file: "CODEOWNERS", section: "x" })[0]!.message).toContain(
      "no promptreg section",
    );
  });
});
