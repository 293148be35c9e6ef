import { SigningError } from "@promptreg/signing";
import { parseCommandArgs } from "../args.js";
import { type CallTarget, defaultServiceUrl, resolveCallTarget } from "../call-credential.js";
import { UsageError } from "../errors/usage-error.js";
import type { CliIo } from "../io.js";
import { readBody, readSecretFile, signedRequest } from "../signed-request.js";
import { terminalText } from "../terminal-text.js";

const formats = ["text", "headers", "curl", "json"] as const;
type Format = (typeof formats)[number];

/**
 * `promptreg sign <METHOD> <path>`: prints the four signing headers and a ready curl line, so curl and Postman users
 * can call the service without writing a signer. Credential: --key-id + --secret-file, else the same precedence as
 * `promptreg call` (PROMPTREG_KEY_ID + PROMPTREG_SECRET, else the development credential file).
 */
export async function runSign(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    command: "sign",
    argv,
    flags: {
      body: { type: "string" },
      "key-id": { type: "string" },
      "secret-file": { type: "string" },
      url: { type: "string" },
      format: { type: "string" },
    },
    maxPositionals: 2,
    minPositionals: 2,
    positionalNames: ["METHOD", "path"],
  });
  const [method, pathAndQuery] = positionals as [string, string];
  const format = (values.format ?? "text") as Format;
  if (!formats.includes(format)) {
    throw new UsageError({
      command: "sign",
      message: `promptreg sign: --format must be one of ${formats.join(", ")}, got "${values.format}".`,
    });
  }
  if ((values["key-id"] === undefined) !== (values["secret-file"] === undefined)) {
    throw new UsageError({
      command: "sign",
      message:
        "promptreg sign: --key-id and --secret-file go together (the secret is read from a file so it stays out of shell history and process lists).",
    });
  }
  const target = await signingTarget({
    io,
    keyId: values["key-id"],
    secretFile: values["secret-file"],
    url: values.url,
  });
  const body =
    values.body === undefined
      ? undefined
      : await readBody({ source: values.body, cwd: io.cwd, stdin: io.stdin });
  let signed: ReturnType<typeof signedRequest>;
  try {
    signed = signedRequest({
      keyId: target.keyId,
      secret: target.secret,
      method,
      pathAndQuery,
      baseUrl: target.baseUrl,
      ...(body ? { body } : {}),
    });
  } catch (error) {
    // Bad method or path: the signing package says which and how to fix it.
    if (SigningError.isInstance(error)) {
      throw new UsageError({ command: "sign", message: `promptreg sign: ${error.message}`, cause: error });
    }
    throw error;
  }
  const headerLines = Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`);
  if (format === "headers") io.stdout.write(`${headerLines.join("\n")}\n`);
  else if (format === "curl") io.stdout.write(`${signed.curl}\n`);
  else if (format === "json")
    io.stdout.write(`${JSON.stringify({ ...signed, keySource: target.source }, null, 2)}\n`);
  else {
    io.stdout.write(`${headerLines.join("\n")}\n\n${signed.curl}\n`);
    io.stderr.write(
      `Signed as ${terminalText(target.keyId)} (${target.source}). Single use: the service refuses a nonce twice and a timestamp older than 5 minutes.\n`,
    );
  }
  return 0;
}

async function signingTarget(options: {
  io: CliIo;
  keyId: string | undefined;
  secretFile: string | undefined;
  url: string | undefined;
}): Promise<CallTarget> {
  const { io, keyId, secretFile, url } = options;
  if (keyId !== undefined && secretFile !== undefined) {
    const env = io.env ?? {};
    return {
      baseUrl: url ?? (env.PROMPTREG_URL || defaultServiceUrl),
      keyId,
      secret: await readSecretFile({ file: secretFile, cwd: io.cwd }),
      source: `--key-id/--secret-file ${secretFile}`,
    };
  }
  return resolveCallTarget({ cwd: io.cwd, env: io.env ?? {}, url, command: "sign" });
}
