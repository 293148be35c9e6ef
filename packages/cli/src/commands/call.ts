import type { PromptregClient } from "@promptreg/client";
import { parseCommandArgs } from "../args.js";
import { createTargetClient, resolveCallTarget } from "../call-credential.js";
import { formatRunSummary, printStream } from "../call-output.js";
import { UsageError } from "../errors/usage-error.js";
import type { CliIo } from "../io.js";
import { readInputJson } from "../render-input.js";
import { formatRenderResult } from "../render-output.js";
import { describeServiceFailure } from "../service-errors.js";
import { exampleFromService } from "../service-example.js";

const modes = ["render", "run"] as const;
type Mode = (typeof modes)[number];

/** `promptreg call <render|run> <ref>`: a signed call to the running service through @promptreg/client. */
export async function runCall(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    command: "call",
    argv,
    flags: {
      input: { type: "string" },
      example: { type: "string" },
      stream: { type: "boolean" },
      url: { type: "string" },
      json: { type: "boolean" },
    },
    maxPositionals: 2,
    minPositionals: 2,
    positionalNames: ["render|run", "ref"],
  });
  const [mode, reference] = positionals as [string, string];
  if (!modes.includes(mode as Mode)) {
    throw new UsageError({
      command: "call",
      message: `promptreg call: unknown mode "${mode}". Use "render" (messages only) or "run" (calls the model).`,
    });
  }
  if (values.input !== undefined && values.example !== undefined) {
    throw new UsageError({
      command: "call",
      message: "promptreg call: use either --input or --example, not both.",
    });
  }
  if (values.stream && mode === "render") {
    throw new UsageError({
      command: "call",
      message: "promptreg call: --stream only applies to run (render calls no model).",
    });
  }
  const fileInput =
    values.input === undefined
      ? undefined
      : await readInputJson({ source: values.input, cwd: io.cwd, stdin: io.stdin });
  const target = await resolveCallTarget({ cwd: io.cwd, env: io.env ?? {}, url: values.url });
  const client = createTargetClient(target);
  try {
    const input =
      fileInput ??
      (values.example === undefined
        ? {}
        : (await exampleFromService({ client, ref: reference, example: values.example })).input);
    await call({
      client,
      mode: mode as Mode,
      reference,
      input,
      io,
      stream: values.stream === true,
      json: values.json === true,
    });
  } catch (error) {
    throw describeServiceFailure(error, target);
  }
  return 0;
}

async function call(options: {
  client: PromptregClient;
  mode: Mode;
  reference: string;
  input: Record<string, unknown>;
  io: CliIo;
  stream: boolean;
  json: boolean;
}): Promise<void> {
  const { client, mode, reference, input, io, json } = options;
  if (mode === "render") {
    const result = await client.render(reference, input);
    io.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatRenderResult(result));
    return;
  }
  if (options.stream) {
    await printStream({
      events: client.stream(reference, input),
      stdout: io.stdout,
      stderr: io.stderr,
      json,
    });
    return;
  }
  const result = await client.run(reference, input);
  io.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : formatRunSummary(result));
}
