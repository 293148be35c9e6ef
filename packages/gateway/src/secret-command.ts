import { spawn } from "node:child_process";
import type { ApiKeyProvider } from "./api-key.js";
import { SecretCommandError } from "./errors/secret-command-error.js";

/** Longest a secret command may run before it is killed. */
export const DEFAULT_SECRET_COMMAND_TIMEOUT_MS = 10_000;
/** Most stdout a gateway-key command may print (a key is far smaller); beyond, the command is killed. */
export const DEFAULT_SECRET_COMMAND_MAX_OUTPUT_BYTES = 64 * 1024;
/** How long a key read by a command is reused before the command runs again. */
export const DEFAULT_SECRET_COMMAND_TTL_MS = 300_000;

/** Characters a shell would interpret. A plain command line holding one is refused: use the JSON array form. */
const SHELL_SYNTAX = /["'`$\\|&;<>(){}[\]*?~!#\n\r]/;

export type ParsedSecretCommand = { ok: true; argv: string[] } | { ok: false; problem: string; fix: string };

/**
 * How a `*_COMMAND` setting becomes an argv, with no shell and nothing evaluated: either a JSON array of strings
 * (`["op","read","op://vault/gateway/key"]`, any argument allowed), or words separated by spaces with no quotes,
 * variables, globs, pipes or redirections (`op read op://vault/gateway/key`). A plain line with shell syntax is
 * refused rather than guessed at, since no shell will ever see it.
 */
export function parseSecretCommand(text: string): ParsedSecretCommand {
  const trimmed = text.trim();
  if (trimmed === "")
    return { ok: false, problem: "is empty", fix: "Give the command that prints the secret." };
  if (trimmed.startsWith("[")) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return {
        ok: false,
        problem: "starts with [ but is not valid JSON",
        fix: 'Write a JSON array of strings, e.g. ["op","read","op://vault/gateway/key"].',
      };
    }
    if (
      !Array.isArray(value) ||
      value.length === 0 ||
      !value.every((part) => typeof part === "string" && !part.includes("\0")) ||
      value[0] === ""
    ) {
      return {
        ok: false,
        problem: "is not a non-empty JSON array of strings with a program first",
        fix: 'Write e.g. ["doppler","secrets","get","GATEWAY_KEY","--plain"].',
      };
    }
    return { ok: true, argv: value as string[] };
  }
  const bad = SHELL_SYNTAX.exec(trimmed);
  if (bad) {
    return {
      ok: false,
      problem: `holds ${JSON.stringify(bad[0])}, which only a shell would interpret, and the command runs without one`,
      fix: 'Write the command as a JSON array of its arguments, e.g. ["kubectl","get","secret","gateway","-o","jsonpath={.data.key}"].',
    };
  }
  return { ok: true, argv: trimmed.split(/\s+/) };
}

export interface RunSecretCommandOptions {
  argv: readonly string[];
  /** Where the command was configured (e.g. `GATEWAY_API_KEY_COMMAND`); errors name it. */
  source: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
}

/**
 * Runs `argv` without a shell and resolves with its stdout, trimmed. stdin is /dev/null (a command that prompts
 * for a sign-in reads end-of-file), stderr is discarded unread. Fails with a
 * `SecretCommandError` that names only `argv[0]`: on a non-zero exit, a signal, the timeout (the process is killed
 * with SIGKILL), more than `maxOutputBytes` on stdout (killed too), or empty output.
 */
export function runSecretCommand({
  argv,
  source,
  timeoutMs = DEFAULT_SECRET_COMMAND_TIMEOUT_MS,
  maxOutputBytes = DEFAULT_SECRET_COMMAND_MAX_OUTPUT_BYTES,
}: RunSecretCommandOptions): Promise<string> {
  const command = argv[0] ?? "";
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (
      options: Omit<ConstructorParameters<typeof SecretCommandError>[0], "command" | "source">,
    ) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new SecretCommandError({ command, source, ...options }));
    };
    const child = spawn(command, argv.slice(1), {
      shell: false,
      stdio: ["ignore", "pipe", "ignore"],
      windowsHide: true,
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail({ failure: "timeout", limit: timeoutMs });
    }, timeoutMs);
    child.on("error", (error: NodeJS.ErrnoException) =>
      fail({ failure: "spawn_failed", spawnCode: error.code }),
    );
    child.stdout.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxOutputBytes) {
        child.kill("SIGKILL");
        fail({ failure: "output_too_large", limit: maxOutputBytes });
        return;
      }
      chunks.push(chunk);
    });
    child.on("close", (code, signal) => {
      if (settled) return;
      if (signal) return fail({ failure: "killed", signal });
      if (code !== 0) return fail({ failure: "exit_code", exitCode: code ?? undefined });
      const secret = Buffer.concat(chunks).toString("utf8").trim();
      if (secret === "") return fail({ failure: "empty_output" });
      settled = true;
      clearTimeout(timer);
      resolve(secret);
    });
  });
}

export interface CommandApiKeyProviderOptions extends RunSecretCommandOptions {
  /** How long a key is reused before the command runs again. Default 300 000 ms. */
  ttlMs?: number;
  now?: () => number;
  /**
   * Told when a refresh failed while an older key was still served (the secret manager was briefly unreachable).
   * The error names the program and how it failed, never the secret.
   */
  onStaleKey?: (error: SecretCommandError) => void;
}

/**
 * The gateway key from a secret manager's command line (`op read ...`, `doppler secrets get ... --plain`,
 * `aws secretsmanager get-secret-value ...`, `vault kv get -field=...`). The key is cached for `ttlMs`; one command
 * runs at a time however many calls need a key. After the TTL, a failed refresh keeps serving the previous key (and
 * reports it to `onStaleKey`), so a brief secret-manager outage does not stop model calls. After a 401 the rejected
 * key is dropped and the command runs again once, whatever the number of requests that saw the 401 with that key.
 */
export function commandApiKeyProvider({
  ttlMs = DEFAULT_SECRET_COMMAND_TTL_MS,
  now = Date.now,
  onStaleKey,
  ...run
}: CommandApiKeyProviderOptions): ApiKeyProvider {
  let cached: { key: string; at: number } | undefined;
  let pending: Promise<string> | undefined;
  const refresh = (): Promise<string> => {
    pending ??= runSecretCommand(run)
      .then(
        (key) => {
          cached = { key, at: now() };
          return key;
        },
        (error: unknown) => {
          if (cached && SecretCommandError.isInstance(error)) {
            onStaleKey?.(error);
            return cached.key;
          }
          throw error;
        },
      )
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  return {
    getKey() {
      if (cached && now() - cached.at < ttlMs) return cached.key;
      return refresh();
    },
    invalidate(rejectedKey?: string) {
      // Requests that used an older key, or that failed while a new key is being fetched, change nothing.
      if (pending) return;
      if (rejectedKey !== undefined && cached?.key !== rejectedKey) return;
      cached = undefined;
    },
  };
}
