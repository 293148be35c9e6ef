import path from "node:path";
import { formatSnapshot, renderSnapshots } from "@promptreg/policy";
import { OutputWriteError } from "../errors/output-write-error.js";
import type { CliIo } from "../io.js";
import { loadRepositoryTemplates } from "../load-templates.js";
import { repositoryPath } from "../repository.js";
import { writeSnapshotFiles } from "../snapshot-files.js";
import { terminalText } from "../terminal-text.js";

export async function runSnapshot(argv: string[], io: CliIo): Promise<number> {
  const { repository, registry } = await loadRepositoryTemplates({ command: "snapshot", argv, io });
  const folder = repositoryPath(repository, repository.config.paths.snapshots);
  const shown = terminalText(path.relative(io.cwd, folder).split(path.sep).join("/") || ".");
  const wanted = new Map(
    [...renderSnapshots(registry)]
      .filter(([, snapshot]) => snapshot.examples.length > 0)
      .map(([file, snapshot]) => [file, formatSnapshot(snapshot)]),
  );
  const result = await writeSnapshotFiles({ folder, wanted }).catch((error: unknown) => {
    throw new OutputWriteError({
      path: shown,
      fix: "Check that you may write there, or set `snapshots` in promptreg.config.yaml to a folder you can write.",
      cause: error,
    });
  });
  const examples = [...wanted.keys()].length;
  const unchanged = result.added.length + result.changed.length + result.removed.length === 0;
  io.stdout.write(
    `${unchanged ? `${shown} is up to date` : `Wrote ${shown}`} (golden renders of ${examples} version${examples === 1 ? "" : "s"}).\n`,
  );
  for (const [label, files] of [
    ["added", result.added],
    ["changed", result.changed],
    ["removed", result.removed],
  ] as const) {
    if (files.length > 0) io.stdout.write(`  ${label}: ${terminalText(files.join(", "))}\n`);
  }
  return 0;
}
