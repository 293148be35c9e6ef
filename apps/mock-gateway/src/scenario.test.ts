import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { thrownBy } from "@promptreg/test-kit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidOptionsError } from "./errors/invalid-options-error.js";
import { InvalidScenarioError } from "./errors/invalid-scenario-error.js";
import { resolveOptions } from "./options.js";
import { loadScenarioFile, parseScenario } from "./scenario.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mock-gateway-scenario-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function scenarioError(path: string): Promise<InvalidScenarioError> {
  const error = await loadScenarioFile(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!InvalidScenarioError.isInstance(error)) throw new Error(`expected InvalidScenarioError, got ${error}`);
  return error;
}

describe("scenario files", () => {
  it("loads YAML and JSON with every field", async () => {
    const yaml = await file(
      "s.yaml",
      [
        "seed: 7",
        "faultRate: 0.25",
        "faultKinds: [500, '429:s=0']",
        "rules:",
        "  - match: { model: openai/* }",
        "    faults: [500, ok]",
        "providers: { gpt-4o: azure }",
        "latencyMs: { firstByte: 5, perChunk: 1 }",
        "cost: true",
      ].join("\n"),
    );
    expect(await loadScenarioFile(yaml)).toEqual({
      seed: 7,
      faultRate: 0.25,
      faultKinds: ["500", "429:s=0"],
      rules: [{ match: { model: "openai/*" }, faults: ["500", "ok"] }],
      providers: { "gpt-4o": "azure" },
      latencyMs: { firstByte: 5, perChunk: 1 },
      cost: true,
    });
    const json = await file(
      "s.json",
      JSON.stringify({ faultRate: 0.5, rules: [{ match: {}, faults: "503" }] }),
    );
    expect(await loadScenarioFile(json)).toEqual({ faultRate: 0.5, rules: [{ match: {}, faults: "503" }] });
  });

  it.each([
    ["missing.yaml", null, /file not found/, ""],
    ["bad.yaml", "rules: [\n", /not valid YAML/, ""],
    ["bad.json", "{", /not valid JSON/, ""],
    ["rate.yaml", "faultRate: 2\n", /<=1/, "faultRate"],
    ["extra.yaml", "sed: 1\n", /sed/, ""],
    ["rule.yaml", "rules:\n  - match: { modle: x }\n    faults: ok\n", /modle/, "rules[0].match"],
  ])("%s fails with a clear message and path", async (name, text, message, path) => {
    const target = text === null ? join(dir, name) : await file(name, text);
    const error = await scenarioError(target);
    expect(error.code).toBe("invalid_scenario");
    expect(error.file).toBe(target);
    expect(error.message).toContain(target);
    expect(error.message).toMatch(message);
    expect(error.issues[0]!.path).toBe(path);
  });

  it("bad steps and regexes are reported at start with the scenario path", async () => {
    const scenario = parseScenario({
      rules: [
        { match: { model: "/[unclosed/" }, faults: ["ok"] },
        { match: { model: "x" }, faults: ["500", "stall:after=x"] },
      ],
      faultKinds: "nope",
    });
    const caught = thrownBy(() => resolveOptions({ ...scenario, scenarioFile: "chaos.yaml" }));
    expect(InvalidScenarioError.isInstance(caught)).toBe(true);
    const error = caught as InvalidScenarioError;
    expect(error.issues.map((issue) => issue.path)).toEqual([
      "rules[0].match.model",
      "rules[1].faults",
      "faultKinds",
    ]);
    expect(error.issues[1]!.message).toMatch(
      /step 2 "stall:after=x" in the scenario chaos.yaml rules\[1\]\.faults/,
    );
  });

  it("the same mistakes passed as options throw InvalidOptionsError", () => {
    expect(() => resolveOptions({ faultRate: -1 })).toThrow(InvalidOptionsError);
    expect(() => resolveOptions({ faultKinds: ["explode"] })).toThrow(/unknown kind "explode"/);
    expect(() => resolveOptions({ faultKinds: [] })).toThrow(/at least one step/);
    expect(() => resolveOptions({ port: 70_000 })).toThrow(/port/);
  });
});
