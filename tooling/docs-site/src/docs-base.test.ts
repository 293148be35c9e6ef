import { describe, expect, it } from "vitest";
import { resolveDocsBase } from "./docs-base.js";
import { DocsConfigError } from "./errors/docs-config-error.js";

describe("resolveDocsBase", () => {
  it("defaults to / and accepts a path with leading and trailing slashes", () => {
    expect(resolveDocsBase(undefined)).toBe("/");
    expect(resolveDocsBase("")).toBe("/");
    expect(resolveDocsBase("/wiki/promptreg/")).toBe("/wiki/promptreg/");
  });

  it.each([
    ["wiki/promptreg/", "must start with '/'"],
    ["/wiki/promptreg", "must end with '/'"],
    ["/wiki//promptreg/", "must be a plain path"],
    ["/wiki promptreg/", "must be a plain path"],
  ])("refuses %j: %s", (value, problem) => {
    try {
      resolveDocsBase(value);
      expect.unreachable();
    } catch (error) {
      expect(DocsConfigError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: "invalid_docs_config", variable: "DOCS_BASE" });
      expect((error as DocsConfigError).problem).toContain(problem);
      expect((error as Error).message).toContain("DOCS_BASE=/wiki/promptreg/");
    }
  });
});
