import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { signRequest } from "@promptreg/signing";
import { type RedisHandle, startRedis } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { copySharedImageTree } from "./image-tree.js";
import { runCommand } from "./run-command.js";
import { repoRoot } from "./workspace-packages.js";

// The production image without Docker (issue 10 item 6): the service's `pnpm deploy --prod` tree, read-only, started
// with plain `node dist/main.js` as a user who can write nowhere (no HOME, no TMPDIR), with no dev tooling on PATH.
//
// The tree is built once per run by image-tree.ts and shared with compose-scaled.test.ts (image-tree-setup.ts).

const CLIENT_SECRET = "image-test-client-secret-0123456789abcdef";
/** Refuses connections: a render calls no model, and a run would fail instead of reaching a real gateway. */
const UNUSED_GATEWAY = "http://127.0.0.1:9/v1";
/** Tools that run or check TypeScript and tests: none may be in the image. */
const DEV_TOOLING = [
  "tsx",
  "typescript",
  "vitest",
  "esbuild",
  "@biomejs/biome",
  "turbo",
  "fast-check",
  "@types/node",
];
/** The container's user: an unprivileged id, as `USER node` in the Dockerfile (root ignores read-only modes). */
const NOBODY = 65534;

let sandbox: string;
let appDir: string;
let child: ChildProcess;
let stderr = "";
let url = "";
/** How the service was started (user, folder, environment), for the probe that checks it can write nowhere. */
let launch: SpawnOptions & { env: NodeJS.ProcessEnv };

async function waitForBanner(): Promise<string> {
  let found = "";
  await vi.waitFor(
    () => {
      if (child.exitCode !== null)
        throw new Error(`node dist/main.js exited with ${child.exitCode}: ${stderr}`);
      const match = /promptreg listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (!match?.[1]) throw new Error(`not listening yet: ${stderr}`);
      found = match[1];
    },
    { timeout: 60_000, interval: 100 },
  );
  return found;
}

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(tmpdir(), "promptreg-image-"));
  // The image: the deploy tree and the templates (a copy), the mounted secrets, all read-only; an empty HOME that
  // doubles as TMPDIR, also read-only.
  appDir = path.join(sandbox, "app");
  await copySharedImageTree({ cacheDir: inject("imageTreeCache"), destination: appDir });
  const secrets = path.join(sandbox, "secrets");
  await mkdir(secrets);
  await writeFile(path.join(secrets, "gateway-api-key"), "sk-image-test-gateway-key\n");
  await writeFile(
    path.join(secrets, "client-keys.yaml"),
    `clients:\n  - keyId: image\n    secrets: ["${CLIENT_SECRET}"]\n`,
  );
  const home = path.join(sandbox, "home");
  await mkdir(home);
  await chmod(sandbox, 0o755);
  const readOnly = await runCommand("chmod", ["-R", "a-w,a+rX", sandbox], { cwd: sandbox });
  expect(readOnly.code, readOnly.stderr).toBe(0);

  const asRoot = process.getuid?.() === 0;
  launch = {
    cwd: appDir,
    // Exactly the image's environment: nothing inherited, no node_modules/.bin on PATH.
    env: {
      PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: home,
      TMPDIR: home,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: "0",
      PROMPTREG_TEMPLATES_DIR: path.join(appDir, "templates"),
      PROMPTREG_WATCH: "off",
      GATEWAY_BASE_URL: UNUSED_GATEWAY,
      GATEWAY_API_KEY_FILE: path.join(secrets, "gateway-api-key"),
      PROMPTREG_CLIENT_KEYS_FILE: path.join(secrets, "client-keys.yaml"),
    },
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  };
  child = spawn(process.execPath, ["dist/main.js"], { ...launch, stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  url = await waitForBanner();
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
  if (sandbox) {
    await runCommand("chmod", ["-R", "u+w", sandbox], { cwd: tmpdir() });
    await rm(sandbox, { recursive: true, force: true });
  }
});

describe("the production image's tree (pnpm deploy --prod, read-only, plain node)", () => {
  it("is ready: /readyz answers 200", async () => {
    const response = await fetch(`${url}/readyz`);
    expect(response.status, await response.text()).toBe(200);
  });

  it("renders a template for a signed request", async () => {
    const body = JSON.stringify({
      ref: "support/summarize-ticket@production",
      input: { ticket: "My invoice is wrong." },
    });
    const headers = signRequest({
      keyId: "image",
      secret: CLIENT_SECRET,
      method: "POST",
      pathAndQuery: "/v1/render",
      body,
    });
    const response = await fetch(`${url}/v1/render`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
    });
    const answer = (await response.json()) as { ref?: { id: string }; messages?: { content: string }[] };
    expect(response.status, JSON.stringify(answer)).toBe(200);
    expect(answer.ref?.id).toBe("support/summarize-ticket");
    expect(answer.messages?.map((message) => message.content).join("\n")).toContain("My invoice is wrong.");
  });

  it("runs where it can write nowhere: HOME, TMPDIR, its own folder and the templates refuse a write", async () => {
    expect(child.exitCode).toBeNull();
    // The same user, folder and environment as the service: proves the sandbox is real (root would write anywhere).
    const probe = `for (const dir of process.argv.slice(1)) {
      try { require("node:fs").writeFileSync(dir + "/probe", "x"); console.log("wrote " + dir); }
      catch (error) { console.log(error.code + " " + dir); }
    }`;
    const targets = [
      launch.env.HOME,
      launch.env.TMPDIR,
      appDir,
      path.join(appDir, "templates"),
      path.join(appDir, "dist"),
    ];
    const result = await new Promise<string>((resolve, reject) => {
      const probing = spawn(process.execPath, ["-e", probe, ...targets.map(String)], {
        ...launch,
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      probing.stdout?.on("data", (chunk) => {
        out += String(chunk);
      });
      probing.once("error", reject);
      probing.once("exit", () => resolve(out));
    });
    expect(result).not.toContain("wrote");
    expect(result.trim().split("\n")).toHaveLength(targets.length);
    expect(stderr).not.toMatch(/EACCES|EROFS|EPERM/);
  });

  it("holds no dev tooling: no tsx, TypeScript, vitest or other dev dependency", async () => {
    const installed = await readdir(path.join(appDir, "node_modules", ".pnpm"));
    const names = installed.map((entry) => entry.slice(0, entry.indexOf("@", 1)).replace("+", "/"));
    for (const tool of DEV_TOOLING) expect(names, tool).not.toContain(tool);
    const server = JSON.parse(await readFile(path.join(appDir, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
      dependencies: Record<string, string>;
    };
    for (const dev of Object.keys(server.devDependencies)) {
      if (dev in server.dependencies) continue;
      expect(names, dev).not.toContain(dev);
    }
  });

  it("installs each third-party package at the version the lockfile pins", async () => {
    const lockfile = await readFile(path.join(repoRoot, "pnpm-lock.yaml"), "utf8");
    const installed = await readdir(path.join(appDir, "node_modules", ".pnpm"));
    for (const entry of installed) {
      if (entry === "node_modules" || entry.startsWith("lock") || entry.includes("@file+")) continue;
      // `name@version` or `name@version_peer@version`: the key the lockfile's packages section uses.
      const key = entry.split("_")[0]?.replace("+", "/") ?? entry;
      expect(lockfile.includes(`\n  ${key}:`) || lockfile.includes(`\n  '${key}':`), key).toBe(true);
    }
  });

  it("runs the workspace packages as compiled JavaScript through their published exports", async () => {
    const store = path.join(appDir, "node_modules", ".pnpm");
    const workspacePackages = (await readdir(store)).filter((entry) => entry.includes("@file+"));
    expect(workspacePackages.length).toBeGreaterThan(5);
    for (const entry of workspacePackages) {
      const name = entry.slice(0, entry.indexOf("@file+")).replace("+", "/");
      const dir = path.join(store, entry, "node_modules", name);
      expect(await readdir(dir), name).not.toContain("src");
      const manifest = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as {
        exports: Record<string, { default: string }>;
        publishConfig?: unknown;
      };
      expect(manifest.publishConfig, name).toBeUndefined();
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        expect(target.default, `${name} ${subpath}`).toMatch(/^\.\/dist\/.+\.js$/);
        expect((await stat(path.join(dir, target.default))).isFile(), `${name} ${subpath}`).toBe(true);
      }
    }
  });
});

describe("the production tree with REDIS_URL: batch items on the compiled worker thread", () => {
  let redis: RedisHandle;
  let withRedis: ChildProcess | undefined;
  let logs = "";
  let logged = "";

  beforeAll(async () => {
    redis = await startRedis();
    withRedis = spawn(process.execPath, ["dist/main.js"], {
      ...launch,
      env: {
        ...launch.env,
        REDIS_URL: redis.url,
        PROMPTREG_REDIS_KEY_PREFIX: redis.keyPrefix,
        // The gateway refuses every call: one attempt, so the item fails at once with a typed error.
        PROMPTREG_BATCH_ATTEMPTS: "1",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    withRedis.stdout?.on("data", (chunk) => {
      logs += String(chunk);
    });
    withRedis.stderr?.on("data", (chunk) => {
      logged += String(chunk);
    });
  });

  afterAll(async () => {
    if (withRedis && withRedis.exitCode === null && withRedis.signalCode === null) {
      const exited = new Promise((resolve) => withRedis?.once("exit", resolve));
      withRedis.kill("SIGKILL");
      await exited;
    }
    await redis?.stop();
  });

  it("starts the thread from dist at niceness 10 and runs an item there to a typed error", async () => {
    const service = await vi.waitFor(
      () => {
        if (withRedis?.exitCode !== null) throw new Error(`dist/main.js exited: ${logged}`);
        const match = /promptreg listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(logged);
        const started = logs
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { msg?: string; nice?: number })
          .find((line) => line.msg === "batch worker thread started");
        if (!match?.[1] || !started) throw new Error(`not started yet: ${logged}\n${logs}`);
        return { url: match[1], nice: started.nice };
      },
      { timeout: 60_000, interval: 100 },
    );
    expect(service.nice).toBe(10);
    // The Redis nonce store refuses requests signed before the second it first saw this key prefix.
    await new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));
    const signed = (method: string, pathAndQuery: string, body = "") => ({
      method,
      headers: {
        ...signRequest({ keyId: "image", secret: CLIENT_SECRET, method, pathAndQuery, body }),
        ...(body ? { "content-type": "application/json" } : {}),
      },
      ...(body ? { body } : {}),
    });
    const body = JSON.stringify({
      items: [{ ref: "support/summarize-ticket@production", input: { ticket: "My invoice is wrong." } }],
    });
    const submitted = await fetch(`${service.url}/v1/batches`, signed("POST", "/v1/batches", body));
    const { id } = (await submitted.json()) as { id: string };
    expect(submitted.status).toBe(202);
    const status = await vi.waitFor(
      async () => {
        const statusPath = `/v1/batches/${id}`;
        const current = (await (
          await fetch(`${service.url}${statusPath}`, signed("GET", statusPath))
        ).json()) as {
          status: string;
          counts: { failed: number };
        };
        if (current.status !== "completed") throw new Error(`still ${current.status}`);
        return current;
      },
      { timeout: 60_000, interval: 200 },
    );
    expect(status.counts.failed).toBe(1);
    const results = `/v1/batches/${id}/results`;
    const page = (await (await fetch(`${service.url}${results}`, signed("GET", results))).json()) as {
      items: { status: string; error?: { code: string } }[];
    };
    expect(page.items[0]?.status).toBe("failed");
    expect(page.items[0]?.error?.code).toMatch(/^upstream_/);
  });
});

describe(".dockerignore", () => {
  it("keeps secrets and local state out of the build context", async () => {
    const ignored = (await readFile(path.join(repoRoot, ".dockerignore"), "utf8")).split("\n");
    for (const pattern of [
      "deploy/secrets/",
      "**/.promptreg",
      ".env",
      ".env.*",
      "**/node_modules",
      "**/dist",
    ]) {
      expect(ignored, pattern).toContain(pattern);
    }
  });
});
