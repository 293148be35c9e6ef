import { thrownBy } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./cli-args.js";
import { InvalidCliArgumentError } from "./errors/invalid-cli-argument-error.js";

describe("parseCliArgs", () => {
  it("has defaults and reads every flag", () => {
    expect(parseCliArgs([])).toEqual({
      port: 4010,
      host: "127.0.0.1",
      scenario: undefined,
      faultRate: undefined,
      seed: undefined,
      faultKinds: undefined,
      help: false,
    });
    expect(
      parseCliArgs([
        "--port",
        "0",
        "--host",
        "::1",
        "--scenario",
        "s.yaml",
        "--fault-rate",
        "0.1",
        "--seed",
        "9",
      ]),
    ).toMatchObject({ port: 0, host: "::1", scenario: "s.yaml", faultRate: 0.1, seed: 9 });
    expect(parseCliArgs(["--fault-kinds", "500,reset"]).faultKinds).toBe("500,reset");
  });

  it("drops the `--` that `pnpm start -- --port 4010` passes through", () => {
    expect(parseCliArgs(["--", "--port", "4011"]).port).toBe(4011);
  });

  it.each([
    [["--port", "http"], "--port"],
    [["--port", "70000"], "--port"],
    [["--fault-rate", "1.5"], "--fault-rate"],
    [["--seed", "1.5"], "--seed"],
    [["--prot", "1"], "--prot"],
    [["stray"], "stray"],
    [["--port"], "--port"],
    [["--help=yes"], "--help"],
    [["-x"], "-x"],
  ])("rejects %j naming %s", (argv, argument) => {
    const caught = thrownBy(() => parseCliArgs(argv));
    expect(InvalidCliArgumentError.isInstance(caught)).toBe(true);
    expect((caught as InvalidCliArgumentError).argument).toBe(argument);
    expect((caught as Error).message).toMatch(/Usage: mock-gateway/);
  });
});
