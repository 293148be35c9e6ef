import { parseArgs } from "node:util";
import { UsageError } from "./errors/usage-error.js";

export type FlagSpec = Record<
  string,
  { type: "string" | "boolean"; short?: string; default?: string | boolean }
>;

type ParsedValues<F extends FlagSpec> = {
  [K in keyof F]?: F[K]["type"] extends "boolean" ? boolean : string;
};

/**
 * `node:util` parseArgs in strict mode, with its errors (unknown flag, missing value) turned into a
 * `UsageError` for `command` so the caller prints that command's usage and exits 2.
 */
export function parseCommandArgs<F extends FlagSpec>(options: {
  command: string;
  argv: string[];
  flags: F;
  /** How many positional arguments the command takes; more (or fewer than `minPositionals`) is a usage error. */
  maxPositionals: number;
  minPositionals?: number;
  positionalNames?: string[];
}): { values: ParsedValues<F>; positionals: string[] } {
  const { command, argv, flags, maxPositionals, minPositionals = 0, positionalNames = [] } = options;
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: flags, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError({
      command,
      message: describeParseError({ error, command, argv, flags }),
      cause: error,
    });
  }
  const { positionals } = parsed;
  if (positionals.length > maxPositionals) {
    const extra = positionals.slice(maxPositionals).join(" ");
    throw new UsageError({
      command,
      message: `promptreg ${command}: unexpected argument "${extra}". Quote values that contain spaces.`,
    });
  }
  if (positionals.length < minPositionals) {
    const missing = positionalNames[positionals.length] ?? "argument";
    throw new UsageError({ command, message: `promptreg ${command}: missing <${missing}>.` });
  }
  return { values: parsed.values as ParsedValues<F>, positionals };
}

/**
 * The usage message for what parseArgs refused. The unknown flag is named from parseArgs' own tokens (a non-strict
 * parse), never read out of its error message.
 */
function describeParseError(options: {
  error: unknown;
  command: string;
  argv: string[];
  flags: FlagSpec;
}): string {
  const { error, command, argv, flags } = options;
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  const text = error instanceof Error ? error.message : String(error);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const { tokens } = parseArgs({
      args: argv,
      options: flags,
      allowPositionals: true,
      strict: false,
      tokens: true,
    });
    const unknown = tokens.find((token) => token.kind === "option" && !Object.hasOwn(flags, token.name));
    if (unknown?.kind === "option") return `promptreg ${command}: unknown flag "${unknown.rawName}".`;
  }
  // parseArgs' other messages are good but mention "options"; keep them and add which command they belong to.
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE")
    return `promptreg ${command}: ${text.replace(/\.$/, "")}.`;
  return `promptreg ${command}: ${text}`;
}
