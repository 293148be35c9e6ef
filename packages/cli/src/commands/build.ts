import path from "node:path";
import { parseCommandArgs } from "../args.js";
import { defaultOutDir, writeBuildOutput } from "../build-output.js";
import { isSystemError, OutputWriteError } from "../errors/output-write-error.js";
import type { CliIo } from "../io.js";
import { loadTemplates } from "../load-templates.js";
import { terminalText } from "../terminal-text.js";

export async function runBuild(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({
    command: "build",
    argv,
    flags: { dir: { type: "string" }, out: { type: "string" } },
    maxPositionals: 0,
  });
  const { registry } = await loadTemplates({ cwd: io.cwd, dir: values.dir });
  const outDir = path.resolve(io.cwd, values.out ?? defaultOutDir);
  const written = await writeBuildOutput({ registry, outDir }).catch((error: unknown) => {
    // File system errors (ENOTDIR, EACCES, ...) are the user's to fix; anything else is a bug and stays one.
    if (!isSystemError(error)) throw error;
    const shown = path.relative(io.cwd, outDir).split(path.sep).join("/") || ".";
    throw new OutputWriteError({
      path: shown,
      fix: "Pass --out <a folder you can write to> (it is created if missing).",
      cause: error,
    });
  });
  const versions = [...registry.templates()].length;
  for (const file of [written.bundle, written.types]) {
    io.stdout.write(`Wrote ${terminalText(path.relative(io.cwd, file).split(path.sep).join("/"))}\n`);
  }
  io.stdout.write(`${registry.ids().length} templates, ${versions} versions\n`);
  return 0;
}
