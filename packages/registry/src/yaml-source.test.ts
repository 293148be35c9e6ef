import { describe, expect, it } from "vitest";
import { parseYamlSource } from "./yaml-source.js";

function problems(text: string): string[] {
  const parsed = parseYamlSource({ text, file: "a/1.0.0.yaml" });
  return parsed.problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.code}`);
}

describe("parseYamlSource: only JSON-compatible YAML", () => {
  it.each([
    ["x: !!binary aGVsbG8=", "1:4"],
    ["x: !!timestamp 2001-12-14", "1:4"],
    ["x:\n  - !!set {a, b}", "2:5"],
    ["x: !!omap [a: 1]", "1:4"],
    ["x: !foo bar", "1:4"],
    ["x: ! 12", "1:4"],
  ])("refuses the tag in %j at its position", (text, at) => {
    const parsed = parseYamlSource({ text, file: "a/1.0.0.yaml" });
    expect(parsed.ok).toBe(false);
    expect(problems(text)).toEqual([`${at} error yaml_unsupported_tag`]);
    expect(parsed.problems[0]!.message).toMatch(/JSON/);
  });

  it("accepts the core tags, which only say what the plain value would be", () => {
    const parsed = parseYamlSource({ text: "a: !!str 12\nb: !!int '7'\nc: !!map {d: !!null ''}", file: "f" });
    expect(parsed.ok && parsed.value).toEqual({ a: "12", b: 7, c: { d: null } });
  });

  it("reads YAML 1.2: no 1.1 timestamps, booleans or octals, and a %YAML 1.1 directive is an error", () => {
    const parsed = parseYamlSource({ text: "a: 2001-12-14\nb: yes\nc: 0755", file: "f" });
    expect(parsed.ok && parsed.value).toEqual({ a: "2001-12-14", b: "yes", c: 755 });
    expect(problems("%YAML 1.1\n---\na: yes")).toEqual(["1:1 error yaml_not_json"]);
  });

  it.each([
    ["a: .nan", "1:4"],
    ["a: [1, .inf]", "1:8"],
    ["a: 1e400", "1:4"],
    ["? [a]\n: 1", "1:3"],
    ["__proto__: {a: 1}", "1:1"],
    ["a: {b: {__proto__: 1}}", "1:9"],
  ])("refuses %j, which JSON cannot carry faithfully, at its position", (text, at) => {
    expect(problems(text)).toEqual([`${at} error yaml_not_json`]);
  });
});
