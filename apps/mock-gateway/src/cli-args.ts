import { parseArgs } from "node:util";
import { InvalidCliArgumentError } from "./errors/invalid-cli-argument-error.js";

export interface CliArgs {
  port: number;
  host: string;
  scenario: string | undefined;
  faultRate: number | undefined;
  seed: number | undefined;
  /** Comma-separated steps, validated later with the other options. */
  faultKinds: string | undefined;
  help: boolean;
}

function number(flag: string, text: string | undefined, check: (n: number) => boolean, expected: string) {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || !check(value)) {
    throw new InvalidCliArgumentError({ argument: flag, problem: `must be ${expected}, got "${text}"` });
  }
  return value;
}

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  scenario: { type: "string" },
  "fault-rate": { type: "string" },
  seed: { type: "string" },
  "fault-kinds": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * The first argument parseArgs' strict mode would refuse, found from its tokens (never from its error message):
 * a positional, an unknown flag, a string flag without a value, a boolean flag given one.
 */
function refusedArgument(args: string[]): InvalidCliArgumentError | undefined {
  const { tokens } = parseArgs({
    args,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === "positional")
      return new InvalidCliArgumentError({
        argument: token.value,
        problem: "is not understood (no positional arguments)",
      });
    if (token.kind !== "option") continue;
    const spec = (OPTIONS as Record<string, { type: "string" | "boolean" }>)[token.name];
    if (spec === undefined)
      return new InvalidCliArgumentError({
        argument: token.rawName,
        problem: "is not understood (unknown option)",
      });
    if (spec.type === "string" && token.value === undefined)
      return new InvalidCliArgumentError({
        argument: token.rawName,
        problem: "is not understood (it needs a value)",
      });
    if (spec.type === "boolean" && token.value !== undefined)
      return new InvalidCliArgumentError({
        argument: token.rawName,
        problem: "is not understood (it takes no value)",
      });
  }
  return undefined;
}

/**
 * Parses the mock gateway flags. A leading `--` is dropped: `pnpm --filter mock-gateway start -- --port 4010`
 * passes it through to the script.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  const refused = refusedArgument(args);
  if (refused) throw refused;
  const { values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  const text = (name: "port" | "host" | "scenario" | "fault-rate" | "seed" | "fault-kinds") => values[name];
  const isInteger = (n: number) => Number.isInteger(n);
  return {
    port:
      number("--port", text("port"), (n) => isInteger(n) && n >= 0 && n <= 65_535, "an integer 0..65535") ??
      4010,
    host: text("host") ?? "127.0.0.1",
    scenario: text("scenario"),
    faultRate: number("--fault-rate", text("fault-rate"), (n) => n >= 0 && n <= 1, "a number from 0 to 1"),
    seed: number("--seed", text("seed"), isInteger, "an integer"),
    faultKinds: text("fault-kinds"),
    help: values.help === true,
  };
}
