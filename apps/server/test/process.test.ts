import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { signRequest } from "@promptreg/signing";
import { type ServerProcess, startServerProcess } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FIXTURE_TEMPLATES } from "./harness.js";
import { parseSse, readUntil } from "./sse.js";

let dir: string;
let server: ServerProcess;
let url = "";
let devClient: { keyId: string; secret: string; baseUrl: string };
const stderr = () => server.stderr();
const stdout = () => server.stdout();

function signed(pathAndQuery: string, body?: unknown, signal?: AbortSignal) {
  const text = body === undefined ? "" : JSON.stringify(body);
  const method = body === undefined ? "GET" : "POST";
  const headers = signRequest({
    keyId: devClient.keyId,
    secret: devClient.secret,
    method,
    pathAndQuery,
    body: text,
  });
  return fetch(url + pathAndQuery, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: text || undefined,
    signal,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-main-"));
  await cp(FIXTURE_TEMPLATES, path.join(dir, "templates"), { recursive: true });
  // A slow but healthy simulated gateway, so a stream is still running when SIGTERM arrives.
  await writeFile(path.join(dir, "scenario.json"), JSON.stringify({ latencyMs: { perChunk: 120 } }));
  server = await startServerProcess({
    env: {
      LOG_LEVEL: "info",
      PROMPTREG_TEMPLATES_DIR: path.join(dir, "templates"),
      PROMPTREG_DEV_CLIENT_FILE: path.join(dir, ".promptreg/dev-client.json"),
      PROMPTREG_SIMULATED_GATEWAY_SCENARIO: path.join(dir, "scenario.json"),
      PROMPTREG_DRAIN_TIMEOUT_MS: "8000",
    },
  });
  url = server.url;
  devClient = JSON.parse(await readFile(path.join(dir, ".promptreg/dev-client.json"), "utf8"));
}, 30_000);

afterAll(async () => {
  await server.kill();
  await rm(dir, { recursive: true, force: true });
});

describe("pnpm start with zero configuration", () => {
  it("says loudly that the gateway is simulated and how to call the API", () => {
    expect(stderr()).toContain("SIMULATED GATEWAY");
    expect(stdout()).toContain("simulated gateway: set GATEWAY_API_KEY to call AI Stats");
    expect(stderr()).toContain("pnpm --filter @promptreg/server call POST /v1/run");
  });

  it("creates a 0600 development credential with the bound URL, which signs requests", async () => {
    const info = await stat(path.join(dir, ".promptreg/dev-client.json"));
    expect(info.mode & 0o777).toBe(0o600);
    expect(devClient).toMatchObject({ keyId: "dev-local", baseUrl: url });
    expect(devClient.secret.length).toBeGreaterThanOrEqual(32);
    expect(stderr()).not.toContain(devClient.secret);
    expect(stdout()).not.toContain(devClient.secret);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const render = await signed("/v1/render", { ref: "support/greet", input: { name: "Ada" } });
    expect(render.status).toBe(200);
  });

  it("reloads on file change, and keeps the last good registry when an edit breaks", async () => {
    const file = path.join(dir, "templates/support/greet/1.0.0.yaml");
    const original = await readFile(file, "utf8");
    await writeFile(file, original.replace("Say hello to", "Wave at"));
    const content = async () =>
      (
        (await (await signed("/v1/render", { ref: "support/greet", input: { name: "Ada" } })).json()) as {
          messages: { content: string }[];
        }
      ).messages[0]?.content;
    await vi.waitFor(async () => expect(await content()).toBe("Wave at Ada."), {
      timeout: 10_000,
      interval: 200,
    });
    await writeFile(file, "id: support/greet\nversion: [broken\n");
    await vi.waitFor(
      () => expect(stdout()).toContain("registry reload failed; the last good registry keeps serving"),
      {
        timeout: 10_000,
        interval: 200,
      },
    );
    expect(await content()).toBe("Wave at Ada.");
    expect(stdout()).toMatch(/support\/greet\/1\.0\.0\.yaml:\d+:\d+/);
    await writeFile(file, original);
    server.child.kill("SIGHUP");
    await vi.waitFor(async () => expect(await content()).toBe("Say hello to Ada."), {
      timeout: 10_000,
      interval: 200,
    });
  });

  it("on SIGTERM finishes the in-flight stream, stops accepting, and exits 0", async () => {
    const response = await signed("/v1/run", {
      ref: "support/greet",
      input: { name: "Ada Lovelace" },
      stream: true,
    });
    let text = await readUntil(response, (sofar) => sofar.includes("event: delta"));
    // The stream is really in flight when the signal arrives.
    expect(text).not.toContain("event: final");
    server.child.kill("SIGTERM");
    text += await readUntil(response, () => false);
    const frames = parseSse(text);
    expect(frames.at(-1)?.event).toBe("final");
    expect(await server.exited()).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 20_000);
});
