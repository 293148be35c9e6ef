import type { TemplateStatus } from "@promptreg/registry";
import { parseCommandArgs } from "../args.js";
import { UsageError } from "../errors/usage-error.js";
import type { CliIo } from "../io.js";
import { loadTemplates } from "../load-templates.js";
import { formatTemplateTable } from "../template-table.js";

const statuses: readonly TemplateStatus[] = ["draft", "published", "deprecated"];

export async function runList(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({
    command: "list",
    argv,
    flags: {
      dir: { type: "string" },
      json: { type: "boolean" },
      tag: { type: "string" },
      owner: { type: "string" },
      status: { type: "string" },
    },
    maxPositionals: 0,
  });
  const status = values.status;
  if (status !== undefined && !isStatus(status)) {
    throw new UsageError({
      command: "list",
      message: `promptreg list: --status must be one of ${statuses.join(", ")}; got "${status}".`,
    });
  }
  const { registry } = await loadTemplates({ cwd: io.cwd, dir: values.dir });
  const summaries = registry.list({
    ...(values.tag === undefined ? {} : { tag: values.tag }),
    ...(values.owner === undefined ? {} : { owner: values.owner }),
    ...(status === undefined ? {} : { status }),
  });
  io.stdout.write(values.json ? `${JSON.stringify(summaries, null, 2)}\n` : formatTemplateTable(summaries));
  return 0;
}

function isStatus(value: string): value is TemplateStatus {
  return (statuses as readonly string[]).includes(value);
}
