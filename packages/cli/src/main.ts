import { didYouMean, hasBrand } from "@promptreg/core";
import { CliError } from "./errors/cli-error.js";
import { UsageError } from "./errors/usage-error.js";
import type { CliIo } from "./io.js";
import { terminalText } from "./terminal-text.js";
import { type CommandName, commandUsage, topUsage } from "./usage.js";

type Command = (argv: string[], io: CliIo) => Promise<number>;

/**
 * Each command's module, loaded only when that command runs: loading all of them (and the packages behind them:
 * review, typegen, the client, zod...) cost every run, `--help` included, about 1.7 s of CPU through tsx.
 */
const commands: Record<CommandName, () => Promise<Command>> = {
  validate: async () => (await import("./commands/validate.js")).runValidate,
  list: async () => (await import("./commands/list.js")).runList,
  render: async () => (await import("./commands/render.js")).runRender,
  show: async () => (await import("./commands/show.js")).runShow,
  new: async () => (await import("./commands/new.js")).runNew,
  build: async () => (await import("./commands/build.js")).runBuild,
  call: async () => (await import("./commands/call.js")).runCall,
  batch: async () => (await import("./commands/batch.js")).runBatch,
  lock: async () => (await import("./commands/lock.js")).runLock,
  sign: async () => (await import("./commands/sign.js")).runSign,
  types: async () => (await import("./commands/types.js")).runTypes,
  review: async () => (await import("./commands/review.js")).runReview,
  snapshot: async () => (await import("./commands/snapshot.js")).runSnapshot,
  codeowners: async () => (await import("./commands/codeowners.js")).runCodeowners,
};

/**
 * The brands of the packages' content errors (RegistryError, RenderError, PolicyError, ReviewError), recognised
 * without loading those packages: a command loads what it uses. main.test.ts checks them against the classes.
 */
export const CONTENT_ERROR_BRANDS: readonly symbol[] = [
  Symbol.for("promptreg.registry.error"),
  Symbol.for("promptreg.renderer.error"),
  Symbol.for("promptreg.policy.error"),
  Symbol.for("promptreg.review.error"),
];

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
    const run = await commands[name]();
    return await run(rest, io);
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
  if (error instanceof Error && CONTENT_ERROR_BRANDS.some((brand) => hasBrand(error, brand))) {
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
