import { parseCommandArgs } from "../args.js";
import type { CliIo } from "../io.js";
import { resolveRepository } from "../repository.js";
import { formatProblem, formatSummary, reportFails, validateTemplates } from "../validation-report.js";

export async function runValidate(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({
    command: "validate",
    argv,
    flags: {
      dir: { type: "string" },
      config: { type: "string" },
      json: { type: "boolean" },
      strict: { type: "boolean" },
    },
    maxPositionals: 0,
  });
  const strict = values.strict === true;
  const repository = await resolveRepository({ cwd: io.cwd, dir: values.dir, configFile: values.config });
  const report = await validateTemplates({
    root: repository.root,
    cwd: io.cwd,
    dir: repository.dir,
    repository,
  });
  const failed = reportFails(report, { strict });
  if (values.json) {
    const config = repository.config.source ?? null;
    io.stdout.write(`${JSON.stringify({ ok: !failed, strict, config, ...report }, null, 2)}\n`);
  } else {
    for (const problem of report.problems) io.stdout.write(`${formatProblem(problem)}\n`);
    io.stdout.write(`${formatSummary(report)}\n`);
  }
  return failed ? 1 : 0;
}
