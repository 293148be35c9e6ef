import { describe, expect, it } from "vitest";
import { registryOf, versionYaml } from "./__fixtures__/template-files.js";
import { lintAuthoring } from "./authoring-rules.js";
import { defaultConfig, parseConfig, type RuleSettings } from "./config.js";
import { applyRuleSettings } from "./rule-finding.js";

const FILE = "support/summarize/1.0.0.yaml";

/** Every rule on as an error, with the options a strict repository would set. */
const STRICT: RuleSettings = parseConfig({
  file: "c",
  text: `rules:
  property_description: error
  free_text_max_length: error
  too_few_examples: error
  output_not_requested: error
  output_format_partial: { severity: error, partial: json-only }
  model_param_unknown: error
  model_param_unsupported: error
  fallback_missing: error
  required_partial: { severity: error, partials: [safety] }
  template_without_owners: error
`,
}).rules;

async function lint(
  yaml: string,
  options: { rules?: RuleSettings; extra?: Record<string, string>; file?: string } = {},
) {
  const { rules = STRICT, extra = {}, file = FILE } = options;
  const files = { [file]: yaml, "_partials/json-only.hbs": "Answer with JSON only.", ...extra };
  const registry = await registryOf(files);
  const sources = new Map(Object.entries(files));
  return applyRuleSettings(lintAuthoring({ registry, rules, sources }), rules);
}

function codes(problems: { code: string }[]) {
  return problems.map((problem) => problem.code);
}

const withJsonPartial = (yaml: string) => yaml.replace("{{> safety}}", "{{> safety}} {{> json-only}}");

describe("authoring rules", () => {
  it("finds nothing in a template that follows the authoring guide", async () => {
    expect(await lint(withJsonPartial(versionYaml({})))).toEqual([]);
  });

  it("property_description: every input and output property, nested ones included, at the key", async () => {
    const yaml = withJsonPartial(
      versionYaml({
        replace: [
          [
            "tier: { type: string, enum: [free, pro], description: The customer's plan. }",
            "tier: { type: string, enum: [free, pro] }",
          ],
          [
            "summary: { type: string, description: Two sentences for the agent. }",
            "summary: { type: string }\n    tags: { type: array, items: { type: object, properties: { name: { type: string, description: A tag. }, weight: { type: number } } }, description: Tags. }",
          ],
        ],
      }),
    );
    const problems = (await lint(yaml)).filter((p) => p.code === "property_description");
    expect(problems.map((p) => [p.line, p.column, p.message.split(" has no")[0]])).toEqual([
      [16, 5, "support/summarize@1.0.0: input.properties.tier"],
      [21, 5, "support/summarize@1.0.0: output.properties.summary"],
      [22, 108, "support/summarize@1.0.0: output.properties.tags.items.properties.weight"],
    ]);
  });

  it("free_text_max_length: strings without enum, const or a fixed-size format need maxLength, also in lists", async () => {
    const yaml = withJsonPartial(
      versionYaml({
        replace: [
          ["maxLength: 5000, ", ""],
          [
            "    tier: {",
            "    day: { type: string, format: date, description: A day. }\n    ids: { type: array, items: { type: string }, description: Ids. }\n    tier: {",
          ],
        ],
      }),
    ).replace("{{ticket}}", "{{ticket}} {{day}} {{ids}}");
    const problems = (await lint(yaml)).filter((p) => p.code === "free_text_max_length");
    expect(problems.map((p) => p.message.split(" is free")[0])).toEqual([
      "support/summarize@1.0.0: input.properties.ticket",
      "support/summarize@1.0.0: input.properties.ids.items",
    ]);
    expect(problems[0]).toMatchObject({ line: 15, column: 5 });
  });

  it("too_few_examples: below `min`, pointing at examples", async () => {
    const one = withJsonPartial(
      versionYaml({ replace: [['  - name: empty-tier\n    input: { ticket: "How do I export?" }\n', ""]] }),
    );
    expect(await lint(one)).toEqual([
      expect.objectContaining({ code: "too_few_examples", line: 32, column: 1, severity: "error" }),
    ]);
    const three = parseConfig({
      file: "c",
      text: "rules:\n  too_few_examples: { severity: error, min: 3 }\n",
    }).rules;
    expect(codes(await lint(withJsonPartial(versionYaml({})), { rules: three }))).toEqual([
      "too_few_examples",
    ]);
  });

  it("output_not_requested: JSON must be asked for and every output field named", async () => {
    const silent = versionYaml({ replace: [['Answer as JSON with "summary".', "Be brief."]] });
    const problems = await lint(withJsonPartial(silent).replace("{{> json-only}}", ""), {
      rules: parseConfig({ file: "c", text: "rules: { output_not_requested: error }\n" }).rules,
    });
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining("no message asks for JSON"),
      expect.stringContaining('never name the output field "summary"'),
    ]);
    expect(problems[0]).toMatchObject({ line: 26, column: 7 });
    // A partial that asks for JSON counts, and so does a field named in a partial.
    const viaPartial = versionYaml({ replace: [['Answer as JSON with "summary".', "{{> fields}}"]] });
    expect(
      await lint(withJsonPartial(viaPartial), { extra: { "_partials/fields.hbs": 'Put it in "summary".' } }),
    ).toEqual([]);
  });

  it("output_format_partial: the partial exactly when an output schema is declared", async () => {
    const missing = await lint(versionYaml({}));
    expect(codes(missing)).toEqual(["output_format_partial"]);
    expect(missing[0]!.message).toContain("does not include {{> json-only}}");
    const noOutput = withJsonPartial(
      versionYaml({
        replace: [
          [
            "output:\n  type: object\n  properties:\n    summary: { type: string, description: Two sentences for the agent. }\n  required: [summary]\n",
            "",
          ],
        ],
      }),
    );
    expect((await lint(noOutput)).map((p) => p.message)).toEqual([
      expect.stringContaining("declares no output schema"),
    ]);
  });

  it("model_param_unknown: a typo gets a suggestion at the key; `allow` admits deliberate extras", async () => {
    const typo = withJsonPartial(
      versionYaml({ replace: [["temperature: 0.2", "temprature: 0.2, x_custom: 1"]] }),
    );
    const problems = await lint(typo);
    expect(problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ["model_param_unknown", 10, 13],
      ["model_param_unknown", 10, 30],
    ]);
    expect(problems[0]!.message).toContain('Did you mean "temperature"?');
    const allowing = parseConfig({
      file: "c",
      text: "rules:\n  model_param_unknown: { allow: [x_custom, temprature] }\n",
    }).rules;
    expect(await lint(typo, { rules: allowing })).toEqual([]);
  });

  it("model_param_unsupported: names the provider family, and its ranges", async () => {
    const anthropic = withJsonPartial(
      versionYaml({
        replace: [
          ["name: openai/gpt-4o-mini", "name: anthropic/claude-3-5-haiku"],
          ["temperature: 0.2", "temperature: 1.5, seed: 7"],
          ["fallbacks: [anthropic/claude-3-5-haiku]", "fallbacks: [openai/gpt-4o-mini]"],
        ],
      }),
    );
    const problems = await lint(anthropic);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining("temperature is 1.5, outside anthropic's range 0 to 1"),
      expect.stringContaining("seed is not supported by anthropic models"),
    ]);
    expect(problems.every((p) => p.code === "model_param_unsupported")).toBe(true);
    // Providers the table does not describe are only checked for unknown names.
    const other = anthropic.replace("name: anthropic/claude-3-5-haiku", "name: acme/large-1");
    expect(await lint(other)).toEqual([]);
  });

  it("fallback_missing: a fallback from another provider", async () => {
    const none = withJsonPartial(
      versionYaml({ replace: [["fallbacks: [anthropic/claude-3-5-haiku]", "fallbacks: []"]] }),
    );
    expect(codes(await lint(none))).toEqual(["fallback_missing"]);
    const same = withJsonPartial(
      versionYaml({ replace: [["fallbacks: [anthropic/claude-3-5-haiku]", "fallbacks: [openai/gpt-4o]"]] }),
    );
    expect(codes(await lint(same))).toEqual(["fallback_missing"]);
    const anyFallback = parseConfig({
      file: "c",
      text: "rules:\n  fallback_missing: { severity: error, otherProvider: false }\n",
    }).rules;
    expect(await lint(same, { rules: anyFallback })).toEqual([]);
  });

  it("required_partial: in a system message, directly or through another partial", async () => {
    const missing = withJsonPartial(versionYaml({})).replace("{{> safety}} ", "");
    expect((await lint(missing)).map((p) => [p.code, p.line])).toEqual([["required_partial", 26]]);
    const indirect = withJsonPartial(versionYaml({})).replace("{{> safety}}", "{{> preamble}}");
    expect(await lint(indirect, { extra: { "_partials/preamble.hbs": "Be careful. {{> safety}}" } })).toEqual(
      [],
    );
    const inUserMessage = withJsonPartial(versionYaml({}))
      .replace("{{> safety}} ", "")
      .replace("{{ticket}}\n", "{{ticket}}\n      {{> safety}}\n");
    expect(codes(await lint(inUserMessage))).toEqual(["required_partial"]);
  });

  it("template_without_owners: only the latest version counts, and owners must be reviewable", async () => {
    const nobody = versionYaml({
      version: "1.1.0",
      replace: [["owners: [support@acme.example]", "owners: [Support team]"]],
    });
    const problems = await lint(withJsonPartial(nobody), {
      file: "support/summarize/1.1.0.yaml",
      extra: { [FILE]: withJsonPartial(versionYaml({})) },
    });
    expect(problems).toEqual([
      expect.objectContaining({
        code: "template_without_owners",
        file: "support/summarize/1.1.0.yaml",
        line: 4,
      }),
    ]);
    const handles = versionYaml({
      replace: [["owners: [support@acme.example]", "owners: ['@acme/support', '@maria']"]],
    });
    expect(await lint(withJsonPartial(handles))).toEqual([]);
  });

  it("skips rules that are off and versions listed in `exclude`", async () => {
    const sloppy = versionYaml({ replace: [["temperature: 0.2", "temprature: 0.2"]] });
    const excluded = parseConfig({
      file: "c",
      text: "rules:\n  model_param_unknown: { exclude: [support/summarize@1.0.0] }\n  output_format_partial: { severity: error, partial: json-only, exclude: [support/summarize] }\n",
    }).rules;
    expect(await lint(sloppy, { rules: excluded })).toEqual([]);
    expect(codes(await lint(sloppy, { rules: defaultConfig().rules }))).toEqual(["model_param_unknown"]);
  });
});
