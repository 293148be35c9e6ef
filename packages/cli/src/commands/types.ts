import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ConnectionError, createSigningFetch, errorFromResponse } from "@promptreg/client";
import { parseCommandArgs } from "../args.js";
import { resolveCallTarget } from "../call-credential.js";
import { isSystemError, OutputWriteError } from "../errors/output-write-error.js";
import { ServiceCallError } from "../errors/service-call-error.js";
import type { CliIo } from "../io.js";
import { describeServiceFailure } from "../service-errors.js";
import { terminalText } from "../terminal-text.js";

export const defaultTypesFile = "src/promptreg.d.ts";

/** A person or a CI job is waiting; generating types for a large registry takes the service a moment. */
const TYPES_TIMEOUT_MS = 60_000;

/**
 * `promptreg types`: writes the TypeScript `TemplateMap` the service serves (GET /v1/types, signed with the client
 * credential) to a file, or with `--check` exits 1 when that file differs from what the service serves now.
 */
export async function runTypes(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs({
    command: "types",
    argv,
    flags: { from: { type: "string" }, out: { type: "string" }, check: { type: "boolean" } },
    maxPositionals: 0,
  });
  const out = values.out ?? defaultTypesFile;
  const file = path.resolve(io.cwd, out);
  const shown = terminalText(path.relative(io.cwd, file).split(path.sep).join("/"));
  const target = await resolveCallTarget({
    cwd: io.cwd,
    env: io.env ?? {},
    url: values.from,
    command: "types",
    urlFlag: "--from",
  });
  const served = await fetchTypes(target);
  const current = await readFile(file, "utf8").catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new OutputWriteError({
      path: shown,
      fix: "Pass --out <a file you can read and write>.",
      cause: error,
    });
  });
  const rerun = `promptreg types --from ${target.baseUrl} --out ${out}`;

  if (values.check) {
    if (current === served) {
      io.stdout.write(`${shown} is up to date with ${target.baseUrl}\n`);
      return 0;
    }
    const why =
      current === undefined
        ? "does not exist"
        : `differs from the types ${target.baseUrl} serves (first difference at line ${firstDifferentLine(current, served)})`;
    io.stderr.write(
      `promptreg types: ${shown} is stale: it ${why}. Run \`${terminalText(rerun)}\` and commit the result.\n`,
    );
    return 1;
  }

  if (current === served) {
    io.stdout.write(`${shown} is already up to date\n`);
    return 0;
  }
  await writeAtomically(file, served).catch((error: unknown) => {
    if (!isSystemError(error)) throw error;
    throw new OutputWriteError({
      path: shown,
      fix: "Pass --out <a file in a folder you can write to> (missing folders are created).",
      cause: error,
    });
  });
  io.stdout.write(`Wrote ${shown} (${countReferences(served)} template references from ${target.baseUrl})\n`);
  return 0;
}

async function fetchTypes(target: { baseUrl: string; keyId: string; secret: string; source: string }) {
  const signedFetch = createSigningFetch({ keyId: target.keyId, secret: target.secret });
  const url = `${target.baseUrl.replace(/\/+$/, "")}/v1/types`;
  let response: Response;
  try {
    response = await signedFetch(url, { signal: AbortSignal.timeout(TYPES_TIMEOUT_MS) });
  } catch (error) {
    throw describeServiceFailure(
      new ConnectionError({
        type: "connection_error",
        code: "connection_failed",
        message: error instanceof Error ? error.message : String(error),
        cause: error,
      }),
      target,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    throw describeServiceFailure(
      errorFromResponse({
        status: response.status,
        bodyText: text,
        requestId: response.headers.get("x-request-id") ?? undefined,
        retryAfterMs: undefined,
        what: "GET /v1/types",
      }),
      target,
    );
  }
  if (!/^export interface TemplateMap \{$/m.test(text)) {
    throw new ServiceCallError({
      code: "unexpected_response",
      message: `GET ${url} answered HTTP ${response.status} with something that is not promptreg types. Is --from (or PROMPTREG_URL) pointing at the promptreg service?`,
      status: response.status,
    });
  }
  return text;
}

/** The file is replaced in one step, so an editor or a compiler never reads half of it. */
async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, content, "utf8");
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function firstDifferentLine(a: string, b: string): number {
  const left = a.split("\n");
  const right = b.split("\n");
  const index = left.findIndex((line, i) => line !== right[i]);
  return (index === -1 ? left.length : index) + 1;
}

function countReferences(source: string): number {
  const body = /export interface TemplateMap \{\n([\s\S]*?)\n\}/.exec(source)?.[1];
  return body === undefined ? 0 : body.split("\n").length;
}
