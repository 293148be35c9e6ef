import { existsSync, readFileSync } from "node:fs";
import { devClientFilePath, signRequest } from "@promptreg/signing";

/**
 * `pnpm --filter @promptreg/server call <METHOD> <path> [json]`: a signed request with the development credential
 * that `pnpm start` created, so a newcomer can try the API without writing a client.
 */
async function call(): Promise<void> {
  const [method = "GET", pathAndQuery = "/v1/templates", body = ""] = process.argv
    .slice(2)
    .filter((a) => a !== "--");
  // The same location rule as the service that wrote it (and as `promptreg call`).
  const file = devClientFilePath({ cwd: process.cwd(), env: process.env });
  if (!existsSync(file)) {
    throw new Error(
      `No development credential at ${file}: start the server once with \`pnpm start\` to create it.`,
    );
  }
  const client = JSON.parse(readFileSync(file, "utf8")) as {
    keyId: string;
    secret: string;
    baseUrl?: string;
  };
  const baseUrl = process.env.PROMPTREG_URL ?? client.baseUrl ?? "http://127.0.0.1:3000";
  const headers = signRequest({ keyId: client.keyId, secret: client.secret, method, pathAndQuery, body });
  const response = await fetch(baseUrl + pathAndQuery, {
    method: method.toUpperCase(),
    headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
    body: body || undefined,
  });
  const text = await response.text();
  process.stdout.write(`HTTP ${response.status}\n`);
  try {
    process.stdout.write(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  } catch {
    process.stdout.write(`${text}\n`);
  }
  process.exitCode = response.ok ? 0 : 1;
}

call().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
