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

/**
 * Parses the mock gateway flags. A leading `--` is dropped: `pnpm --filter mock-gateway start -- --port 4010`
 * passes it through to the script.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        scenario: { type: "string" },
        "fault-rate": { type: "string" },
        seed: { type: "string" },
        "fault-kinds": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    const match = /'([^']+)'/.exec((error as Error).message);
    throw new InvalidCliArgumentError({
      argument: match?.[1] ?? args.join(" "),
      problem: `is not understood (${(error as Error).message})`,
    });
  }
  const text = (name: string) => values[name] as string | undefined;
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
