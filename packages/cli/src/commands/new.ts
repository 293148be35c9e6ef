import { parseCommandArgs } from "../args.js";
import type { CliIo } from "../io.js";
import { scaffoldTemplate } from "../scaffold.js";
import { resolveTemplateDir } from "../template-dir.js";
import { terminalText } from "../terminal-text.js";

export async function runNew(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    command: "new",
    argv,
    flags: { dir: { type: "string" }, owner: { type: "string" } },
    maxPositionals: 1,
    minPositionals: 1,
    positionalNames: ["id"],
  });
  const root = await resolveTemplateDir({ cwd: io.cwd, dir: values.dir });
  const { file } = await scaffoldTemplate({
    root,
    cwd: io.cwd,
    id: positionals[0]!,
    ...(values.owner === undefined ? {} : { owner: values.owner }),
  });
  io.stdout.write(
    `${terminalText(`Created ${file}`)}\n` +
      `${terminalText(`Edit the TODOs, then run: promptreg validate${values.dir ? ` --dir ${values.dir}` : ""}`)}\n`,
  );
  return 0;
}
