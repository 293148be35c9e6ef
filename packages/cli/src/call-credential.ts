import { readFile } from "node:fs/promises";
import path from "node:path";
import { createClient, type PromptregClient } from "@promptreg/client";
import { devClientFilePath } from "@promptreg/signing";
import { CredentialError } from "./errors/credential-error.js";
import { UsageError } from "./errors/usage-error.js";

export const defaultServiceUrl = "http://127.0.0.1:3000";

/** Where and as whom `promptreg call` calls. `source` says where the credential came from, for messages. */
export interface CallTarget {
  baseUrl: string;
  keyId: string;
  secret: string;
  source: string;
}

/**
 * Picks the URL and credential: `--url`, then PROMPTREG_URL, then the `baseUrl` the server recorded in its dev-client
 * file, then http://127.0.0.1:3000. PROMPTREG_KEY_ID + PROMPTREG_SECRET (both) win over the file, which `pnpm start`
 * writes to `<repo root>/.promptreg/dev-client.json` (PROMPTREG_DEV_CLIENT_FILE moves it, as for the server).
 */
export async function resolveCallTarget(options: {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  url: string | undefined;
  /** The command, for messages (default "call"). */
  command?: string;
  /** The flag that passed `url`, for messages (default "--url"). */
  urlFlag?: string;
}): Promise<CallTarget> {
  const { cwd, env, command = "call", urlFlag = "--url" } = options;
  const set = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : env[name]);
  const keyId = set("PROMPTREG_KEY_ID");
  const secret = set("PROMPTREG_SECRET");
  const explicitUrl = options.url ?? set("PROMPTREG_URL");
  if (explicitUrl !== undefined) {
    checkServiceUrl({
      url: explicitUrl,
      origin: options.url === undefined ? "PROMPTREG_URL" : urlFlag,
      command,
    });
  }
  if ((keyId === undefined) !== (secret === undefined)) {
    const missing = keyId === undefined ? "PROMPTREG_KEY_ID" : "PROMPTREG_SECRET";
    throw new CredentialError({
      problem: "partial_env",
      message: `${missing} is not set while ${missing === "PROMPTREG_KEY_ID" ? "PROMPTREG_SECRET" : "PROMPTREG_KEY_ID"} is. Set both, or unset both to use the development credential file.`,
    });
  }
  if (keyId !== undefined && secret !== undefined) {
    return {
      baseUrl: explicitUrl ?? defaultServiceUrl,
      keyId,
      secret,
      source: "PROMPTREG_KEY_ID/PROMPTREG_SECRET",
    };
  }
  const file = devClientFilePath({ cwd, env });
  const shown = path.relative(cwd, file) || file;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new CredentialError({
      problem: missing ? "not_found" : "unreadable",
      file,
      message: missing
        ? `no client credential: ${shown} does not exist. Start the service once with \`pnpm start\` (it creates that file), or set PROMPTREG_KEY_ID and PROMPTREG_SECRET.`
        : `cannot read the development credential ${shown}: ${(error as Error).message}.`,
      cause: error,
    });
  }
  const parsed = parseDevClient(text);
  if (parsed === undefined) {
    throw new CredentialError({
      problem: "invalid",
      file,
      message: `${shown} is not a promptreg development credential (expected JSON {"keyId", "secret", "baseUrl"}). Delete it and restart the service with \`pnpm start\` to recreate it.`,
    });
  }
  return {
    baseUrl: explicitUrl ?? parsed.baseUrl ?? defaultServiceUrl,
    keyId: parsed.keyId,
    secret: parsed.secret,
    source: shown,
  };
}

/** A service URL must be an absolute http(s) URL; anything else is a usage error, not a failed fetch. */
function checkServiceUrl(options: { url: string; origin: string; command: string }): void {
  const { url, origin, command } = options;
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol === "http:" || protocol === "https:") return;
  throw new UsageError({
    command,
    message: `promptreg ${command}: ${origin} "${url}" is not an http:// or https:// URL; use the service's address, e.g. ${defaultServiceUrl}.`,
  });
}

function parseDevClient(text: string): { keyId: string; secret: string; baseUrl?: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { keyId, secret, baseUrl } = value as Record<string, unknown>;
  if (typeof keyId !== "string" || keyId === "" || typeof secret !== "string" || secret === "")
    return undefined;
  return typeof baseUrl === "string" && baseUrl !== "" ? { keyId, secret, baseUrl } : { keyId, secret };
}

/** The SDK client of `promptreg call` and `promptreg batch`: a person is waiting, so one quick retry on 429/503. */
export function createTargetClient(target: CallTarget): PromptregClient {
  return createClient({
    baseUrl: target.baseUrl,
    keyId: target.keyId,
    secret: target.secret,
    retry: { maxRetries: 1, maxDelayMs: 2_000 },
  });
}
