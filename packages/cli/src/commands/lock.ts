import { writeFile } from "node:fs/promises";
import path from "node:path";
import { updateLock } from "@promptreg/policy";
import { parseCommandArgs } from "../args.js";
import { LockRefusedError } from "../errors/lock-refused-error.js";
import { OutputWriteError } from "../errors/output-write-error.js";
import type { CliIo } from "../io.js";
import { loadTemplates } from "../load-templates.js";
import { readOptionalFile, repositoryPath, resolveRepository } from "../repository.js";
import { terminalText } from "../terminal-text.js";

export async function runLock(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({
    command: "lock",
    argv,
    flags: {
      dir: { type: "string" },
      config: { type: "string" },
      "allow-changed": { type: "boolean" },
    },
    maxPositionals: 0,
  });
  const repository = await resolveRepository({ cwd: io.cwd, dir: values.dir, configFile: values.config });
  const { registry } = await loadTemplates({
    cwd: io.cwd,
    dir: path.relative(io.cwd, repository.root) || ".",
  });
  const file = repositoryPath(repository, repository.config.paths.lockfile);
  const shown = terminalText(path.relative(io.cwd, file).split(path.sep).join("/"));
  const previousText = await readOptionalFile(file);
  const update = updateLock({ registry, previousText });
  if (update.changed.length > 0 && values["allow-changed"] !== true) {
    throw new LockRefusedError({ file: shown, changed: update.changed });
  }
  if (previousText === update.text) {
    io.stdout.write(`${shown} is up to date (${countLine(update.text)}).\n`);
    return 0;
  }
  await writeFile(file, update.text, "utf8").catch((error: unknown) => {
    throw new OutputWriteError({
      path: shown,
      fix: "Check that you may write to it, or set `lockfile` in promptreg.config.yaml to a path you can write.",
      cause: error,
    });
  });
  io.stdout.write(`Wrote ${shown} (${countLine(update.text)}).\n`);
  for (const [label, refs] of [
    ["added", update.added],
    ["removed", update.removed],
    ["changed", update.changed],
  ] as const) {
    if (refs.length > 0) io.stdout.write(`  ${label}: ${terminalText(refs.join(", "))}\n`);
  }
  return 0;
}

function countLine(text: string): string {
  const versions = text.split("\n").filter((line) => line.startsWith("version ")).length;
  return `${versions} published version${versions === 1 ? "" : "s"} locked`;
}
