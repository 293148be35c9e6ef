import { parseCommandArgs } from "../args.js";
import type { CliIo } from "../io.js";
import { resolveTemplateDir } from "../template-dir.js";
import { formatProblem, formatSummary, reportFails, validateTemplates } from "../validation-report.js";

export async function runValidate(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({
    command: "validate",
    argv,
    flags: { dir: { type: "string" }, json: { type: "boolean" }, strict: { type: "boolean" } },
    maxPositionals: 0,
  });
  const strict = values.strict === true;
  const root = await resolveTemplateDir({ cwd: io.cwd, dir: values.dir });
  const report = await validateTemplates({ root, cwd: io.cwd, dir: values.dir });
  const failed = reportFails(report, { strict });
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ok: !failed, strict, ...report }, null, 2)}\n`);
  } else {
    for (const problem of report.problems) io.stdout.write(`${formatProblem(problem)}\n`);
    io.stdout.write(`${formatSummary(report)}\n`);
  }
  return failed ? 1 : 0;
}
