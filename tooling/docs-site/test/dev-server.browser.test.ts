// `pnpm docs:dev` follows template edits: a page generated from a template shows the new text after the YAML file
// is saved, without a restart (VitePress re-runs the paths loader; see docs/.vitepress/config.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.js";
import { REPO_ROOT } from "./service-process.js";

let templates: string;
let dev: ChildProcess;
let url: string;
let browser: Browser;

beforeAll(async () => {
  templates = await mkdtemp(path.join(tmpdir(), "promptreg-docs-dev-"));
  await cp(path.join(REPO_ROOT, "templates"), templates, { recursive: true });
  dev = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "node_modules/vitepress/bin/vitepress.js",
      "dev",
      "docs",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, PROMPTREG_DOCS_TEMPLATES_DIR: templates },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(
      () => reject(new Error(`docs dev server did not start within 240 s:\n${output}`)),
      240_000,
    );
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      // Vite colours the port separately; strip the colour escapes before matching.
      const plain = output.replaceAll(String.fromCharCode(27), "").replace(/\[[0-9;]*m/g, "");
      const match = /Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(plain);
      if (match) {
        clearTimeout(deadline);
        resolve(match[1]!);
      }
    };
    dev.stdout?.on("data", onData);
    dev.stderr?.on("data", onData);
    dev.once("exit", (code) => {
      clearTimeout(deadline);
      reject(new Error(`docs dev server exited with ${code}:\n${output}`));
    });
  });
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (dev && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev.once("exit", resolve));
    dev.kill("SIGTERM");
    await exited;
  }
  await rm(templates, { recursive: true, force: true });
}, 30_000);

describe("pnpm docs:dev", () => {
  it("shows a template edit on the open page without a restart", async () => {
    const page = await browser.newPage();
    await page.goto(`${url}catalog/data/sql-from-question.html`, { timeout: 120_000 });
    const description = page.locator(".vp-doc h1 + p");
    await expect.poll(() => description.textContent(), { timeout: 120_000 }).toContain("read-only SQL query");
    const file = path.join(templates, "data", "sql-from-question", "1.0.0.yaml");
    const source = await readFile(file, "utf8");
    await writeFile(
      file,
      source.replace(/^description: .*$/m, "description: Edited while the dev server runs."),
    );
    await expect
      .poll(() => description.textContent(), { timeout: 120_000, interval: 500 })
      .toBe("Edited while the dev server runs.");
    await page.close();
  }, 300_000);
});
