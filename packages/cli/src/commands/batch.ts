import { open } from "node:fs/promises";
import path from "node:path";
import type { BatchStatus, PromptregClient } from "@promptreg/client";
import { parseCommandArgs } from "../args.js";
import { readBatchItems } from "../batch-items-file.js";
import { formatBatchBar, formatBatchLine, isFinished } from "../batch-progress.js";
import { createTargetClient, resolveCallTarget } from "../call-credential.js";
import { OutputWriteError } from "../errors/output-write-error.js";
import { UsageError } from "../errors/usage-error.js";
import type { CliIo } from "../io.js";
import { describeServiceFailure } from "../service-errors.js";

const actions = ["submit", "status", "results", "cancel"] as const;
type Action = (typeof actions)[number];
const priorities = ["high", "normal", "low"] as const;

/** `promptreg batch <submit|status|results|cancel>`: batch jobs on the running service, through @promptreg/client. */
export async function runBatch(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    command: "batch",
    argv,
    flags: {
      inputs: { type: "string" },
      priority: { type: "string" },
      out: { type: "string" },
      watch: { type: "boolean" },
      interval: { type: "string" },
      url: { type: "string" },
      json: { type: "boolean" },
    },
    maxPositionals: 2,
    minPositionals: 2,
    positionalNames: ["submit|status|results|cancel", "ref or batch id"],
  });
  const [action, subject] = positionals as [string, string];
  if (!actions.includes(action as Action)) {
    throw new UsageError({
      command: "batch",
      message: `promptreg batch: unknown action "${action}". Use submit, status, results or cancel.`,
    });
  }
  if (action === "submit" && values.inputs === undefined) {
    throw new UsageError({
      command: "batch",
      message: "promptreg batch submit: --inputs <file.jsonl> is required.",
    });
  }
  if (values.priority !== undefined && !priorities.includes(values.priority as (typeof priorities)[number])) {
    throw new UsageError({
      command: "batch",
      message: `promptreg batch: --priority must be high, normal or low (got "${values.priority}").`,
    });
  }
  const intervalMs = values.interval === undefined ? 2_000 : Number(values.interval) * 1000;
  if (!(intervalMs >= 100)) {
    throw new UsageError({
      command: "batch",
      message: "promptreg batch: --interval is seconds, at least 0.1.",
    });
  }
  const items =
    action === "submit"
      ? await readBatchItems({ source: values.inputs as string, cwd: io.cwd, ref: subject })
      : undefined;
  const target = await resolveCallTarget({
    cwd: io.cwd,
    env: io.env ?? {},
    url: values.url,
    command: "batch",
  });
  const client = createTargetClient(target);
  try {
    switch (action as Action) {
      case "submit": {
        const status = await client.submitBatch(items ?? [], {
          ...(values.priority ? { priority: values.priority as (typeof priorities)[number] } : {}),
        });
        io.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : `${status.id}\n`);
        io.stderr.write(
          `submitted ${status.counts.total} items as ${status.id}; follow it with: promptreg batch status ${status.id} --watch\n`,
        );
        return 0;
      }
      case "status":
        return values.watch
          ? await watch({ client, id: subject, io, intervalMs })
          : print(io, await client.getBatch(subject), values.json === true);
      case "cancel":
        return print(io, await client.cancelBatch(subject), values.json === true);
      case "results":
        return await writeResults({ client, id: subject, io, out: values.out });
    }
  } catch (error) {
    throw describeServiceFailure(error, target);
  }
}

function print(io: CliIo, status: BatchStatus, json: boolean): number {
  io.stdout.write(json ? `${JSON.stringify(status, null, 2)}\n` : `${formatBatchLine(status)}\n`);
  return 0;
}

/** Polls until the batch finished: a bar redrawn in place on a terminal, else a plain line per change. */
async function watch({
  client,
  id,
  io,
  intervalMs,
}: {
  client: PromptregClient;
  id: string;
  io: CliIo;
  intervalMs: number;
}): Promise<number> {
  const tty = io.stdout.isTTY === true;
  let last = "";
  for (;;) {
    const status = await client.getBatch(id);
    const line = formatBatchLine(status);
    if (tty) io.stdout.write(formatBatchBar(status));
    else if (line !== last) io.stdout.write(`${line}\n`);
    last = line;
    if (isFinished(status)) {
      if (tty) io.stdout.write(`\n${line}\n`);
      return status.counts.failed > 0 ? 1 : 0;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Every result as one JSON line, in order, to `--out` (or stdout); a summary on stderr. */
async function writeResults({
  client,
  id,
  io,
  out,
}: {
  client: PromptregClient;
  id: string;
  io: CliIo;
  out: string | undefined;
}): Promise<number> {
  const counts: Record<string, number> = {};
  let file: Awaited<ReturnType<typeof open>> | undefined;
  if (out !== undefined) {
    try {
      file = await open(path.resolve(io.cwd, out), "w");
    } catch (error) {
      throw new OutputWriteError({ path: out, fix: "Pass a writable file path to --out.", cause: error });
    }
  }
  try {
    for await (const item of client.batchResults(id)) {
      counts[item.status] = (counts[item.status] ?? 0) + 1;
      const line = `${JSON.stringify(item)}\n`;
      if (file) await file.write(line);
      else io.stdout.write(line);
    }
  } finally {
    await file?.close();
  }
  const summary = Object.entries(counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(", ");
  io.stderr.write(`${summary}${out === undefined ? "" : ` written to ${out}`}\n`);
  return 0;
}
