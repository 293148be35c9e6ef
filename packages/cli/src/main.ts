import { didYouMean } from "@promptreg/core";
import { PolicyError } from "@promptreg/policy";
import { RegistryError } from "@promptreg/registry";
import { RenderError } from "@promptreg/renderer";
import { ReviewError } from "@promptreg/review";
import { runBatch } from "./commands/batch.js";
import { runBuild } from "./commands/build.js";
import { runCall } from "./commands/call.js";
import { runCodeowners } from "./commands/codeowners.js";
import { runList } from "./commands/list.js";
import { runLock } from "./commands/lock.js";
import { runNew } from "./commands/new.js";
import { runRender } from "./commands/render.js";
import { runReview } from "./commands/review.js";
import { runShow } from "./commands/show.js";
import { runSign } from "./commands/sign.js";
import { runSnapshot } from "./commands/snapshot.js";
import { runTypes } from "./commands/types.js";
import { runValidate } from "./commands/validate.js";
import { CliError } from "./errors/cli-error.js";
import { UsageError } from "./errors/usage-error.js";
import type { CliIo } from "./io.js";
import { terminalText } from "./terminal-text.js";
import { type CommandName, commandUsage, topUsage } from "./usage.js";

type Command = (argv: string[], io: CliIo) => Promise<number>;

const commands: Record<CommandName, Command> = {
  validate: runValidate,
  list: runList,
  render: runRender,
  show: runShow,
  new: runNew,
  build: runBuild,
  call: runCall,
  batch: runBatch,
  lock: runLock,
  sign: runSign,
  types: runTypes,
  review: runReview,
  snapshot: runSnapshot,
  codeowners: runCodeowners,
};

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

/**
 * Runs one `promptreg` invocation and returns its exit code: 0 ok, 1 content problems, 2 usage errors.
 * Never throws and never calls `process.exit`, so tests run it in-process.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    (name === undefined ? io.stderr : io.stdout).write(`${topUsage}\n`);
    return name === undefined ? 2 : 0;
  }
  if (!isCommandName(name)) {
    // The registry's one "did you mean" (the same threshold as for template ids and keys).
    const hint = didYouMean(name, Object.keys(commands));
    io.stderr.write(
      `promptreg: unknown command "${terminalText(name)}".${hint}\nRun \`promptreg --help\` to see the commands.\n`,
    );
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(`${commandUsage[name]}\n`);
    return 0;
  }
  try {
    return await commands[name](rest, io);
  } catch (error) {
    return reportError(error, name, io);
  }
}

function reportError(error: unknown, command: CommandName, io: CliIo): number {
  // Every failure is one line saying what is wrong and what to do, at most one more line with the fix: never the
  // whole usage text, never a stack.
  if (UsageError.isInstance(error)) {
    io.stderr.write(
      `${terminalText(error.message)}\nRun \`promptreg ${command} --help\` to see its arguments and flags.\n`,
    );
    return 2;
  }
  if (CliError.isInstance(error)) {
    const details = error.detailLines.map((line) => `${terminalText(line)}\n`).join("");
    io.stderr.write(`promptreg ${command}: ${terminalText(error.message)}\n${details}`);
    return error.exitCode;
  }
  // Content errors from the packages (unknown reference, bad bundle, invalid promptreg.config.yaml...) already say
  // what, where and how to fix. Some list one problem per line, and they quote the names they embed, so only
  // control characters other than newlines are escaped here.
  if (
    RegistryError.isInstance(error) ||
    RenderError.isInstance(error) ||
    PolicyError.isInstance(error) ||
    ReviewError.isInstance(error)
  ) {
    io.stderr.write(`promptreg ${command}: ${terminalText(error.message, { block: true })}\n`);
    return 1;
  }
  // A bug: say so on one line with the error's own message; the stack only when asked for (PROMPTREG_DEBUG=1).
  const summary = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const debug = io.env?.PROMPTREG_DEBUG === "1";
  const stack =
    debug && error instanceof Error && error.stack ? `${terminalText(error.stack, { block: true })}\n` : "";
  io.stderr.write(
    `promptreg ${command}: unexpected error (${terminalText(summary)}); this is a bug in promptreg. Please report it with the command you ran${debug ? "" : " (PROMPTREG_DEBUG=1 prints the stack)"}.\n${stack}`,
  );
  return 1;
}
