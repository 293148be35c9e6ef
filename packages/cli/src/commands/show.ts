import path from "node:path";
import { parseCommandArgs } from "../args.js";
import type { CliIo } from "../io.js";
import { loadTemplates } from "../load-templates.js";
import { displayPath } from "../template-dir.js";
import { formatVersionDetails, versionDetails } from "../version-details.js";

export async function runShow(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    command: "show",
    argv,
    flags: { dir: { type: "string" }, json: { type: "boolean" } },
    maxPositionals: 1,
    minPositionals: 1,
    positionalNames: ["ref"],
  });
  const { registry, root } = await loadTemplates({ cwd: io.cwd, dir: values.dir });
  const version = registry.resolve(positionals[0]!);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(versionDetails(version), null, 2)}\n`);
  } else {
    const file = displayPath({ cwd: io.cwd, root, file: version.source.path.split("/").join(path.sep) });
    io.stdout.write(formatVersionDetails({ version, file }));
  }
  return 0;
}
