import { mkdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcessService } from "../src/__fixtures__/in-process-service.js";
import { makeTempDir, runCli } from "../src/__fixtures__/run-cli.js";

// The real service (createService: registry, renderer, auth, in-process simulated gateway) on a loopback port,
// with its development credential written into a temp "repository"; `promptreg call` runs in-process against it.
let temp: { dir: string; cleanup: () => Promise<void> };
let service: { url: string; close(): Promise<void> };
let url: string;
let workDir: string;
let credential: { keyId: string; secret: string; baseUrl: string };

beforeAll(async () => {
  temp = await makeTempDir("promptreg-call-");
  await writeFile(path.join(temp.dir, "pnpm-workspace.yaml"), "packages: []\n");
  workDir = path.join(temp.dir, "some", "package");
  await mkdir(workDir, { recursive: true });
  service = await startInProcessService({ repoRoot: temp.dir });
  url = service.url;
  credential = JSON.parse(await readFile(path.join(temp.dir, ".promptreg", "dev-client.json"), "utf8"));
});

afterAll(async () => {
  await service.close();
  await temp.cleanup();
});

const call = (args: string[], options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {}) =>
  runCli(["call", ...args], { cwd: options.cwd ?? workDir, env: options.env ?? {}, stdin: options.stdin });

const REF = "support/summarize-ticket@production";

describe("promptreg call (real service, dev credential found from a subdirectory)", () => {
  it("the server wrote the credential the CLI uses, with the bound URL", () => {
    expect(credential).toMatchObject({ keyId: "dev-local", baseUrl: url });
  });

  it("render prints the resolved version and the rendered messages", async () => {
    const result = await call(["render", REF, "--input", "-"], {
      stdin: '{"ticket":"My invoice is wrong."}',
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^support\/summarize-ticket@1\.1\.0 {2}sha256:/);
    expect(result.stdout).toContain("--- system ---");
    expect(result.stdout).toContain("My invoice is wrong.");
  });

  it("render --json prints the service's render response", async () => {
    const result = await call(["render", REF, "--input", "-", "--json"], { stdin: '{"ticket":"Refund?"}' });
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body.ref).toMatchObject({ id: "support/summarize-ticket", version: "1.1.0" });
    expect(body.messages.at(-1).content).toContain("Refund?");
  });

  it("run prints the validated output and the usage summary", async () => {
    const result = await call(["run", REF, "--example", "enterprise-sso-outage"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("support/summarize-ticket@1.1.0");
    const block = result.stdout.split("--- output ---\n")[1]?.split("\n--- usage ---")[0] ?? "";
    const output = block.replace(/^\|( |$)/gm, "");
    expect(JSON.parse(output)).toMatchObject({ summary: expect.any(String), next_steps: expect.any(Array) });
    expect(result.stdout).toMatch(/tokens \d+ prompt \+ \d+ completion = \d+ {2}cost/);
  });

  it("run --json carries the example's input through to the model (the simulated gateway echoes the prompt)", async () => {
    const result = await call(["run", REF, "--example", "enterprise-sso-outage", "--json"]);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body.ref.version).toBe("1.1.0");
    expect(body.usage.totalTokens).toBeGreaterThan(0);
  });

  it("run --stream prints the deltas as they arrive, then the summary", async () => {
    const chunks: string[] = [];
    const { runCliWithSink } = await sinkRunner();
    const code = await runCliWithSink(
      ["call", "run", REF, "--example", "enterprise-sso-outage", "--stream"],
      chunks,
    );
    expect(code).toBe(0);
    const usageAt = chunks.findIndex((chunk) => chunk.includes("--- usage ---"));
    // Several writes before the summary: the reply was printed incrementally, not in one block at the end.
    expect(usageAt).toBeGreaterThan(2);
    const all = chunks.join("");
    expect(all).toContain("--- output ---");
    expect(all).toMatch(/tokens \d+ prompt/);
  });

  it("run --stream --json prints one JSON event per line, ending with the final event", async () => {
    const result = await call(
      ["run", "support/summarize-ticket@1.1.0", "--stream", "--json", "--input", "-"],
      {
        stdin: '{"ticket":"The export button does nothing."}',
      },
    );
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.some((event) => event.type === "delta")).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "final", ref: { version: "1.1.0" } });
  });

  it("--example reads examples from the service for a range reference too", async () => {
    const result = await call(["render", "support/summarize-ticket@^1", "--example", "free-export-question"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^support\/summarize-ticket@1\.\d+\.\d+/);
  });

  it("an unknown --example lists the examples the version has", async () => {
    const result = await call(["run", REF, "--example", "nope"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('support/summarize-ticket@1.1.0 has no example named "nope"');
    expect(result.stderr).toContain("enterprise-sso-outage");
  });

  it("a bad input exits 1 listing every failing path", async () => {
    const result = await call(["run", REF, "--input", "-"], {
      stdin: '{"ticket":"","customer_tier":"platinum"}',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the service rejected the input (2 problems)");
    expect(result.stderr).toMatch(/input\.ticket: /);
    expect(result.stderr).toMatch(/input\.customer_tier: /);
    expect(result.stderr).not.toContain("this is a bug");
  });

  it("an unknown template exits 1 with the service's message", async () => {
    const result = await call(["render", "support/summarise-ticket", "--input", "-"], { stdin: "{}" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("support/summarise-ticket");
    expect(result.stderr).toContain("HTTP 404");
  });

  it("a wrong secret from the environment exits 1 with the reason, without echoing the secret", async () => {
    const secret = "definitely-not-the-right-secret-123";
    const result = await call(["render", REF, "--input", "-"], {
      stdin: '{"ticket":"x"}',
      env: { PROMPTREG_KEY_ID: "dev-local", PROMPTREG_SECRET: secret, PROMPTREG_URL: url },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("reason: signature_mismatch");
    expect(result.stderr).toContain("PROMPTREG_KEY_ID/PROMPTREG_SECRET");
    expect(result.stderr).not.toContain(secret.slice(0, 12));
    expect(result.stderr).not.toContain(credential.secret.slice(0, 12));
  });

  it("an unknown key id exits 1 with unknown_key", async () => {
    const result = await call(["render", REF, "--input", "-"], {
      stdin: '{"ticket":"x"}',
      env: { PROMPTREG_KEY_ID: "someone-else", PROMPTREG_SECRET: credential.secret, PROMPTREG_URL: url },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("reason: unknown_key");
  });

  it("a service that is not running exits 1 with the hint to start it", async () => {
    const closed = await closedPortUrl();
    const result = await call(["run", REF, "--input", "-", "--url", closed], { stdin: '{"ticket":"x"}' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach the promptreg service at ${closed}`);
    expect(result.stderr).toContain("is the service running? start it with `pnpm start`");
  });

  it("no credential anywhere exits 1 saying how to get one", async () => {
    const empty = await makeTempDir("promptreg-nocred-");
    try {
      const result = await call(["render", REF], { cwd: empty.dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(".promptreg/dev-client.json does not exist");
      expect(result.stderr).toContain("pnpm start");
    } finally {
      await empty.cleanup();
    }
  });

  it("usage mistakes exit 2", async () => {
    expect((await call(["deploy", REF])).code).toBe(2);
    expect((await call(["render", REF, "--stream"])).code).toBe(2);
    expect((await call(["run", REF, "--input", "a.json", "--example", "x"])).code).toBe(2);
    expect((await call(["run"])).code).toBe(2);
  });
});

/** A URL on which nothing listens: bind port 0, note it, close it. */
async function closedPortUrl(): Promise<string> {
  const { createServer } = await import("node:net");
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Like runCli, but records every stdout write separately to see that a stream is printed incrementally. */
async function sinkRunner() {
  const { main } = await import("../src/main.js");
  const { Readable } = await import("node:stream");
  return {
    runCliWithSink: (argv: string[], chunks: string[]) =>
      main(argv, {
        cwd: workDir,
        env: {},
        stdin: Readable.from([]),
        stdout: { write: (chunk: string) => chunks.push(chunk) },
        stderr: { write: () => true },
      }),
  };
}
