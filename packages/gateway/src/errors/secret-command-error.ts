import { AuthError } from "./auth-error.js";

/** Why a secret command gave no secret. */
export type SecretCommandFailure =
  | "spawn_failed"
  | "exit_code"
  | "killed"
  | "timeout"
  | "output_too_large"
  | "empty_output";

/**
 * A secret command (e.g. `op read ...`) gave no secret. It names only the program (`argv[0]`) and how it failed
 * (exit code, signal, timeout): never its arguments, its output or its error output, which may hold the secret or
 * the path to it. An `AuthError`, so callers that handle "no key" keep working.
 */
export class SecretCommandError extends AuthError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.secret-command-error");
  /** The program that was run (`argv[0]`), without its arguments. */
  readonly command: string;
  readonly failure: SecretCommandFailure;
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  /** The limit that was hit, for `timeout` (ms) and `output_too_large` (bytes). */
  readonly limit: number | undefined;
  /** Which setting the command came from (e.g. `GATEWAY_API_KEY_COMMAND`), for the message. */
  readonly source: string;

  constructor(options: {
    command: string;
    source: string;
    failure: SecretCommandFailure;
    exitCode?: number | undefined;
    signal?: string | undefined;
    limit?: number | undefined;
    spawnCode?: string | undefined;
  }) {
    super({ message: describe(options) });
    this.name = "SecretCommandError";
    this.command = options.command;
    this.source = options.source;
    this.failure = options.failure;
    this.exitCode = options.exitCode;
    this.signal = options.signal;
    this.limit = options.limit;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      command: this.command,
      source: this.source,
      failure: this.failure,
      exitCode: this.exitCode,
      signal: this.signal,
      limit: this.limit,
    };
  }
}

function describe(o: {
  command: string;
  source: string;
  failure: SecretCommandFailure;
  exitCode?: number | undefined;
  signal?: string | undefined;
  limit?: number | undefined;
  spawnCode?: string | undefined;
}): string {
  const what = `The secret command "${o.command}" (${o.source})`;
  const runBy = "Run it by hand as the service's user to see its own error output (never logged here).";
  switch (o.failure) {
    case "spawn_failed":
      return `${what} could not be started (${o.spawnCode ?? "unknown error"}). Install it or give its full path in ${o.source}.`;
    case "exit_code":
      return `${what} exited with code ${o.exitCode}. ${runBy}`;
    case "killed":
      return `${what} was killed by ${o.signal}. ${runBy}`;
    case "timeout":
      return `${what} gave no answer within ${o.limit} ms and was killed. Check that it needs no prompt (sign-in, MFA) and that the secret manager is reachable, or raise the timeout.`;
    case "output_too_large":
      return `${what} printed more than ${o.limit} bytes and was killed. Make it print only the secret (e.g. a --plain, --field or --query option).`;
    case "empty_output":
      return `${what} printed nothing. Make it print the secret on stdout.`;
  }
}
