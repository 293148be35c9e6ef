import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { signRequest } from "@promptreg/signing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { deployServer, SERVER_PACKAGE } from "./deploy-server.js";
import { runCommand } from "./run-command.js";
import { repoRoot } from "./workspace-packages.js";

// The production image without Docker (issue 10 item 6): the service's `pnpm deploy --prod` tree, read-only, started
// with plain `node dist/main.js` as a user who can write nowhere (no HOME, no TMPDIR), with no dev tooling on PATH.
//
// Built into a temporary workspace, never into the packages' own dist/ folders: packed-packages.test.ts deletes and
// rebuilds those while this file runs. One tsc program compiles every package the service needs (each package's
// tsconfig.build.json is the same `src` minus tests; one program type-checks the shared sources once, not per package).

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

let workspace: string;
let deployDir: string;
let sandbox: string;
let appDir: string;
let child: ChildProcess;
let stderr = "";
let url = "";
/** How the service was started (user, folder, environment), for the probe that checks it can write nowhere. */
let launch: SpawnOptions & { env: NodeJS.ProcessEnv };

/** Every workspace package's folder by name: pnpm resolves the dev dependencies' workspace links too. */
async function workspaceFolders(): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  for (const group of ["packages", "apps", "tooling"]) {
    for (const entry of await readdir(path.join(repoRoot, group))) {
      const text = await readFile(path.join(repoRoot, group, entry, "package.json"), "utf8").catch(
        () => undefined,
      );
      if (text !== undefined) dirs.set(String(JSON.parse(text).name), path.join(group, entry));
    }
  }
  return dirs;
}

/** The workspace packages the service needs at run time: its `dependencies`, transitively, not its dev ones. */
async function productionClosure(dirs: Map<string, string>): Promise<string[]> {
  const needed = new Set<string>();
  const queue = [SERVER_PACKAGE];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const dir = dirs.get(name);
    if (dir === undefined || needed.has(dir)) continue;
    needed.add(dir);
    const manifest = JSON.parse(await readFile(path.join(repoRoot, dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
      if (range.startsWith("workspace:")) queue.push(dependency);
    }
  }
  return [...needed];
}

/** A workspace of the root files and every package's manifest, with dist/ compiled for the service's packages. */
async function buildWorkspace(): Promise<void> {
  const dirs = await workspaceFolders();
  const packages = await productionClosure(dirs);
  for (const file of ["package.json", "pnpm-workspace.yaml", "pnpm-lock.yaml", ".npmrc"]) {
    await cp(path.join(repoRoot, file), path.join(workspace, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }
  const out = path.join(workspace, ".tsc-out");
  const tsconfig = path.join(workspace, "tsconfig.json");
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: path.join(repoRoot, "tsconfig.base.json"),
      compilerOptions: {
        rootDir: repoRoot,
        outDir: out,
        noEmit: false,
        // Declarations serve compilers, not `node`; the packing checks cover them.
        declaration: false,
        typeRoots: [path.join(repoRoot, "node_modules", "@types")],
      },
      include: packages.map((dir) => path.join(repoRoot, dir, "src")),
      exclude: [path.join(repoRoot, "**", "*.test.ts"), path.join(repoRoot, "**", "__fixtures__")],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const compiled = await runCommand(process.execPath, [tsc, "-p", tsconfig], { cwd: workspace });
  expect(compiled.code, compiled.stdout + compiled.stderr).toBe(0);
  for (const dir of dirs.values()) {
    await mkdir(path.join(workspace, dir), { recursive: true });
    await cp(path.join(repoRoot, dir, "package.json"), path.join(workspace, dir, "package.json"));
  }
  for (const dir of packages) await rename(path.join(out, dir, "src"), path.join(workspace, dir, "dist"));
}

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
  workspace = await mkdtemp(path.join(tmpdir(), "promptreg-image-workspace-"));
  deployDir = await mkdtemp(path.join(tmpdir(), "promptreg-image-deploy-"));
  sandbox = await mkdtemp(path.join(tmpdir(), "promptreg-image-"));
  await buildWorkspace();

  // Seconds on a quiet machine; minutes on a loaded 2-core box, where the registry metadata may be fetched too.
  await deployServer({
    workspaceRoot: workspace,
    destination: path.join(deployDir, "app"),
    timeoutMs: 180_000,
  });

  // The image: a copy (deployed files are hard links to the workspace's), the templates, the mounted secrets, all
  // read-only; an empty HOME that doubles as TMPDIR, also read-only.
  appDir = path.join(sandbox, "app");
  await cp(path.join(deployDir, "app"), appDir, { recursive: true, verbatimSymlinks: true });
  await cp(path.join(repoRoot, "templates"), path.join(appDir, "templates"), { recursive: true });
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
  for (const dir of [sandbox, deployDir, workspace]) {
    if (!dir) continue;
    await runCommand("chmod", ["-R", "u+w", dir], { cwd: tmpdir() });
    await rm(dir, { recursive: true, force: true });
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
