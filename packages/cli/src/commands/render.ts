import { createRenderer } from "@promptreg/renderer";
import { parseCommandArgs } from "../args.js";
import { UsageError } from "../errors/usage-error.js";
import type { CliIo } from "../io.js";
import { loadTemplates } from "../load-templates.js";
import { exampleInput, readInputJson } from "../render-input.js";
import { formatRenderResult } from "../render-output.js";

export async function runRender(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    command: "render",
    argv,
    flags: {
      dir: { type: "string" },
      input: { type: "string" },
      example: { type: "string" },
      json: { type: "boolean" },
    },
    maxPositionals: 1,
    minPositionals: 1,
    positionalNames: ["ref"],
  });
  if (values.input !== undefined && values.example !== undefined) {
    throw new UsageError({
      command: "render",
      message: "promptreg render: use either --input or --example, not both.",
    });
  }
  const reference = positionals[0]!;
  // Read stdin/file before loading templates so a bad input file is reported even when it is the only problem.
  const fileInput =
    values.input === undefined
      ? undefined
      : await readInputJson({ source: values.input, cwd: io.cwd, stdin: io.stdin });
  const { registry } = await loadTemplates({ cwd: io.cwd, dir: values.dir });
  const version = registry.resolve(reference);
  const input = fileInput ?? (values.example === undefined ? {} : exampleInput(version, values.example));
  const renderer = createRenderer({ registry });
  const result = renderer.renderVersion(version, input);
  io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatRenderResult(result));
  return 0;
}
