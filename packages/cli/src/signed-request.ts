import { readFile } from "node:fs/promises";
import path from "node:path";
import { type SignatureHeaders, signRequest } from "@promptreg/signing";
import { CredentialError } from "./errors/credential-error.js";
import { InputFileError } from "./errors/input-file-error.js";

/** Quotes a word for POSIX shells: single quotes, with each `'` written as `'\''`. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Everything `promptreg sign` prints, for one request. */
export interface SignedRequest {
  method: string;
  url: string;
  headers: SignatureHeaders;
  /** A ready curl command line with the signature headers (single-use: the nonce is consumed by the service). */
  curl: string;
}

/**
 * Signs one request and builds the curl line that sends exactly the signed bytes: the body file by name
 * (`--data-binary @file`), or a body from stdin inline (`--data-raw`). The secret only feeds the HMAC; it is in no output.
 */
export function signedRequest(options: {
  keyId: string;
  secret: string;
  method: string;
  pathAndQuery: string;
  baseUrl: string;
  body?: { bytes: Uint8Array; file?: string };
}): SignedRequest {
  const method = options.method.toUpperCase();
  const headers = signRequest({
    keyId: options.keyId,
    secret: options.secret,
    method,
    pathAndQuery: options.pathAndQuery,
    body: options.body?.bytes,
  });
  const url = `${options.baseUrl.replace(/\/+$/, "")}${options.pathAndQuery}`;
  const words = ["curl", "-sS"];
  if (method !== "GET") words.push("-X", method);
  words.push(shellQuote(url));
  for (const [name, value] of Object.entries(headers)) words.push("-H", shellQuote(`${name}: ${value}`));
  if (options.body) {
    words.push("-H", shellQuote("content-type: application/json"));
    // A file is sent byte for byte with --data-binary @file; an inline body with --data-raw, which sends the text
    // as given and, unlike --data-binary, never reads "@..." as a file name.
    if (options.body.file) words.push("--data-binary", shellQuote(`@${options.body.file}`));
    else words.push("--data-raw", shellQuote(Buffer.from(options.body.bytes).toString("utf8")));
  }
  return { method, url, headers, curl: words.join(" ") };
}

/** Reads the body to sign: a file (relative to `cwd`) as raw bytes, or stdin for "-". */
export async function readBody(options: {
  source: string;
  cwd: string;
  stdin: AsyncIterable<string | Uint8Array>;
}): Promise<{ bytes: Uint8Array; file?: string }> {
  const { source, cwd, stdin } = options;
  if (source === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin)
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
    return { bytes: Buffer.concat(chunks) };
  }
  try {
    return { bytes: await readFile(path.resolve(cwd, source)), file: source };
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new InputFileError({
      path: source,
      problem: missing ? "not_found" : "unreadable",
      message: missing
        ? `body file "${source}" does not exist. Pass a path relative to the current directory, or "--body -" to read stdin.`
        : `cannot read body file "${source}": ${(error as Error).message}.`,
      cause: error,
    });
  }
}

/** Reads a signing secret from a file: its content without the trailing line break editors add. */
export async function readSecretFile(options: { file: string; cwd: string }): Promise<string> {
  const resolved = path.resolve(options.cwd, options.file);
  let text: string;
  try {
    text = await readFile(resolved, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new CredentialError({
      problem: missing ? "not_found" : "unreadable",
      file: resolved,
      message: missing
        ? `secret file "${options.file}" does not exist. Pass the file holding the signing secret issued with --key-id.`
        : `cannot read secret file "${options.file}": ${(error as Error).message}.`,
      cause: error,
    });
  }
  const secret = text.replace(/\r?\n$/, "");
  if (secret === "") {
    throw new CredentialError({
      problem: "invalid",
      file: resolved,
      message: `secret file "${options.file}" is empty. It must hold the signing secret issued with --key-id.`,
    });
  }
  return secret;
}
