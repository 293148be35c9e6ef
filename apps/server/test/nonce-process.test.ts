import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createNonce, signRequest } from "@promptreg/signing";
import { type ServerProcess, startServerProcess } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TEMPLATES } from "./harness.js";

// The nonce design against the real process: small configured limits stand in for the 101,000-request flood.
const VICTIM = { keyId: "victim", secret: "victim-secret-0123456789abcdef" };
const FLOODER = { keyId: "flooder", secret: "flooder-secret-0123456789abcdef" };
const FLOODER_RPM = 20;
const NONCE_CAPACITY = 5;

let dir: string;
let env: Record<string, string>;
const processes: ServerProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-hardening-"));
  await cp(FIXTURE_TEMPLATES, path.join(dir, "templates"), { recursive: true });
  await writeFile(
    path.join(dir, "clients.yaml"),
    `clients:
  - keyId: ${VICTIM.keyId}
    secrets: ["${VICTIM.secret}"]
  - keyId: ${FLOODER.keyId}
    secrets: ["${FLOODER.secret}"]
    rateLimit: { requestsPerMinute: ${FLOODER_RPM} }
`,
  );
  env = {
    LOG_LEVEL: "warn",
    PROMPTREG_WATCH: "off",
    PROMPTREG_TEMPLATES_DIR: path.join(dir, "templates"),
    PROMPTREG_CLIENT_KEYS_FILE: path.join(dir, "clients.yaml"),
    PROMPTREG_NONCE_CAPACITY_PER_CLIENT: String(NONCE_CAPACITY),
  };
});

afterAll(async () => {
  await Promise.all(processes.map((server) => server.kill()));
  await rm(dir, { recursive: true, force: true });
});

interface Signed {
  headers: Record<string, string>;
}

function sign(client: { keyId: string; secret: string }, pathAndQuery: string): Signed {
  return { headers: signRequest({ ...client, method: "GET", pathAndQuery, nonce: createNonce() }) };
}

async function send(server: ServerProcess, pathAndQuery: string, signed: Signed) {
  const response = await fetch(server.url + pathAndQuery, { headers: signed.headers });
  const body = (await response.json()) as { error?: { code: string } };
  return {
    status: response.status,
    code: body.error?.code ?? "ok",
    retryAfter: response.headers.get("retry-after"),
  };
}

describe("the nonce design under a flood and a restart (real process)", () => {
  it("a flooding client fills only its own nonce space; a restart does not reopen the replay window", async () => {
    const first = await startServerProcess({ env });
    processes.push(first);
    const captured = sign(VICTIM, "/v1/stats");
    expect(await send(first, "/v1/stats", captured)).toMatchObject({ status: 200 });

    const answers: Awaited<ReturnType<typeof send>>[] = [];
    for (let i = 0; i < 3 * FLOODER_RPM; i++)
      answers.push(await send(first, "/v1/stats", sign(FLOODER, "/v1/stats")));
    const count = (code: string) => answers.filter((answer) => answer.code === code).length;
    // Exactly its capacity is accepted; the rest is refused (never by forgetting a live nonce), with Retry-After.
    expect(count("ok")).toBe(NONCE_CAPACITY);
    expect(count("nonce_capacity_exceeded")).toBeGreaterThan(0);
    expect(count("ok") + count("nonce_capacity_exceeded") + count("rate_limited")).toBe(answers.length);
    for (const answer of answers.filter((a) => a.status === 429))
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);

    expect(await send(first, "/v1/stats", captured)).toMatchObject({ status: 401, code: "replayed_nonce" });
    expect(await send(first, "/v1/stats", sign(VICTIM, "/v1/stats"))).toMatchObject({ status: 200 });

    first.child.kill("SIGTERM");
    expect(await first.exited()).toBe(0);
    const second = await startServerProcess({ env });
    processes.push(second);
    expect(await send(second, "/v1/stats", captured)).toMatchObject({ status: 401, code: "stale_timestamp" });
    expect(await send(second, "/v1/stats", sign(VICTIM, "/v1/stats"))).toMatchObject({ status: 200 });
  }, 120_000);
});
