import { CliError } from "../errors/cli-error.js";
import type { CliIo } from "../io.js";

export async function runList(_argv: string[], _io: CliIo): Promise<number> {
  throw new CliError({ code: "not_implemented", message: "this command is not available yet." });
}
