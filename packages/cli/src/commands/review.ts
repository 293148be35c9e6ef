import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  findRepositoryTop,
  formatMarkdown,
  loadGitRevision,
  loadWorkingTreeRevision,
  prefixInRepository,
  reviewRevisions,
} from "@promptreg/review";
import { parseCommandArgs } from "../args.js";
import { UsageError } from "../errors/usage-error.js";
import type { CliIo } from "../io.js";
import { resolveRepository } from "../repository.js";

const FORMATS = ["markdown", "json"] as const;

/**
 * `promptreg review --base <ref> [--head <ref>]`: the template tree at two revisions, read through git without a
 * checkout (head defaults to the working tree), compared and judged by the review policy. Exit 1 when the policy
 * fails, so CI can block the pull request; the report is printed or written to --out either way.
 */
export async function runReview(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({
    command: "review",
    argv,
    flags: {
      base: { type: "string" },
      head: { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      dir: { type: "string" },
      config: { type: "string" },
    },
    maxPositionals: 0,
  });
  if (values.base === undefined) {
    throw new UsageError({
      command: "review",
      message: "promptreg review: --base <git-ref> is required (e.g. --base origin/main).",
    });
  }
  const format = values.format ?? "markdown";
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError({
      command: "review",
      message: `promptreg review: --format must be markdown or json, got "${format}".`,
    });
  }
  const repository = await resolveRepository({ cwd: io.cwd, dir: values.dir, configFile: values.config });
  const top = await findRepositoryTop(repository.root);
  const prefix = await prefixInRepository({ top, root: repository.root });
  const [base, head] = await Promise.all([
    loadGitRevision({ repoDir: top, ref: values.base, prefix }),
    values.head === undefined
      ? loadWorkingTreeRevision({ root: repository.root })
      : loadGitRevision({ repoDir: top, ref: values.head, prefix }),
  ]);
  const report = await reviewRevisions({ base, head, config: repository.config });
  const text = format === "json" ? `${JSON.stringify(report, null, 2)}\n` : formatMarkdown(report);
  if (values.out === undefined) {
    io.stdout.write(text);
  } else {
    const file = path.resolve(io.cwd, values.out);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text, "utf8");
    const { summary } = report;
    io.stderr.write(
      `Wrote ${values.out}: ${summary.templates} template(s) changed, ${summary.breaking} breaking, ${summary.errors} error(s), ${summary.warnings} warning(s).\n`,
    );
  }
  return report.ok ? 0 : 1;
}
