import { thrownBy } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";
import { parseCommandArgs } from "./args.js";
import { UsageError } from "./errors/usage-error.js";

const flags = { json: { type: "boolean" }, dir: { type: "string", short: "d" } } as const;
const refusal = (argv: string[]) =>
  thrownBy(() => parseCommandArgs({ command: "list", argv, flags, maxPositionals: 1 }), UsageError);

describe("parseCommandArgs", () => {
  it("names the unknown flag as written, long, with a value or short", () => {
    expect(refusal(["--frobnicate"]).message).toBe('promptreg list: unknown flag "--frobnicate".');
    expect(refusal(["--json", "--color=always"]).message).toBe('promptreg list: unknown flag "--color".');
    expect(refusal(["-x"]).message).toBe('promptreg list: unknown flag "-x".');
    expect(refusal(["-x"])).toMatchObject({ code: "usage", exitCode: 2, command: "list" });
  });

  it("keeps parseArgs' own account of a bad value, for the command", () => {
    const error = refusal(["--dir"]);
    expect(error.message).toMatch(/^promptreg list: .*--dir.*\.$/);
    expect(error.message).not.toContain("unknown flag");
  });

  it("parses what is valid", () => {
    expect(
      parseCommandArgs({ command: "list", argv: ["-d", "t", "--json", "x"], flags, maxPositionals: 1 }),
    ).toEqual({
      values: { dir: "t", json: true },
      positionals: ["x"],
    });
  });
});
