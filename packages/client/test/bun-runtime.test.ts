import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { signRequest, WEBHOOK_HEADERS } from "@promptreg/signing";
import { parseFencedBlocks } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeService,
  KEY_ID,
  RENDER_RESULT,
  SECRET,
  sendJson,
  startFakeService,
} from "./fake-service.js";

// The SDK claims to run unchanged on runtimes other than Node (docs/client.md#runtimes). Bun is installed from npm
// (the `bun` devDependency, pinned in the catalog), so this runs everywhere the suite does and is never skipped.
const BUN = fileURLToPath(new URL("../node_modules/.bin/bun", import.meta.url));
const SCRIPT = fileURLToPath(new URL("__fixtures__/under-bun.ts", import.meta.url));
const SECURITY_MD = new URL("../../../docs/security.md", import.meta.url);

interface Vector {
  name: string;
  keyId: string;
  secret: string;
  bodySha256: string;
  timestamp: number;
  nonce: string;
  signature: string;
}

function runBun(job: unknown): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      BUN,
      [SCRIPT, JSON.stringify(job)],
      { cwd: fileURLToPath(new URL("..", import.meta.url)), timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

let service: FakeService;
beforeAll(async () => {
  service = await startFakeService((_call, res) => sendJson(res, 200, RENDER_RESULT));
});
afterAll(async () => {
  await service.close();
});

describe("the client under Bun", () => {
  it("reproduces docs/security.md's vectors, makes a call the node:crypto verifier accepts, and verifies a node-signed webhook", async () => {
    const block = parseFencedBlocks(await readFile(SECURITY_MD, "utf8")).find((b) =>
      b.flags.includes("signing-vectors"),
    );
    const vectors = JSON.parse(block?.content ?? "[]") as Vector[];
    expect(vectors.length).toBeGreaterThanOrEqual(3);

    const nowMs = 1_767_225_600_000;
    const body = JSON.stringify({
      type: "batch.completed",
      id: "dlv_1",
      createdAt: "2026-01-01T00:00:00Z",
      data: {},
    });
    const pathAndQuery = "/hooks/promptreg?team=a";
    const headers = {
      ...signRequest({
        keyId: KEY_ID,
        secret: SECRET,
        method: "POST",
        pathAndQuery,
        body,
        timestamp: nowMs / 1000,
      }),
      [WEBHOOK_HEADERS.event]: "batch.completed",
    };

    const result = await runBun({
      vectors,
      service: { url: service.url, keyId: KEY_ID, secret: SECRET },
      webhook: { pathAndQuery, headers, body, nowMs },
    });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      runtime: { bun: string | null };
      vectors: { name: string; bodySha256: string; headers: Record<string, string> }[];
      rendered: unknown;
      webhook: { id: string; secretIndex: number };
    };
    expect(report.runtime.bun).toMatch(/^1\./);
    expect(report.vectors).toEqual(
      vectors.map((vector) => ({
        name: vector.name,
        bodySha256: vector.bodySha256,
        headers: {
          "X-Promptreg-Key": vector.keyId,
          "X-Promptreg-Timestamp": String(vector.timestamp),
          "X-Promptreg-Nonce": vector.nonce,
          "X-Promptreg-Signature": vector.signature,
        },
      })),
    );
    expect(report.rendered).toEqual(RENDER_RESULT);
    expect(service.rejected).toEqual([]);
    expect(service.calls.at(-1)?.verify).toMatchObject({ ok: true, keyId: KEY_ID });
    expect(report.webhook).toMatchObject({ id: "dlv_1", secretIndex: 1 });
  }, 120_000);
});
