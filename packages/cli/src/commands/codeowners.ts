import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { updateCodeowners } from "@promptreg/policy";
import { findCodeowners, repositorySection } from "../codeowners-file.js";
import { OutputWriteError } from "../errors/output-write-error.js";
import type { CliIo } from "../io.js";
import { loadRepositoryTemplates } from "../load-templates.js";
import { repositoryPath } from "../repository.js";
import { terminalText } from "../terminal-text.js";

export async function runCodeowners(argv: string[], io: CliIo): Promise<number> {
  const { repository, registry } = await loadRepositoryTemplates({ command: "codeowners", argv, io });
  const target = (await findCodeowners({ context: repository, forWriting: true }))!;
  const absolute = repositoryPath(repository, target.file);
  const shown = terminalText(path.relative(io.cwd, absolute).split(path.sep).join("/"));
  const section = repositorySection({ registry, context: repository });
  const text = updateCodeowners(target.text, section);
  const lines = section.split("\n").length - 3;
  const summary = `(${lines} template${lines === 1 ? "" : "s"} with review owners)`;
  if (text === target.text) {
    io.stdout.write(`${shown} is up to date ${summary}.\n`);
    return 0;
  }
  try {
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, text, "utf8");
  } catch (error) {
    throw new OutputWriteError({
      path: shown,
      fix: "Check that you may write there, or set `codeowners` in promptreg.config.yaml to another path.",
      cause: error,
    });
  }
  io.stdout.write(`Wrote ${shown} ${summary}.\n`);
  return 0;
}
