import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryHolder } from "../src/logic/registry-holder.js";
import { SERVED_TYPES_HEADER } from "../src/logic/template-types-cache.js";
import {
  emptyRegistry,
  FIXTURE_TEMPLATES,
  fixtureRegistry,
  SECRETS,
  startTestServer,
  type TestServer,
} from "./harness.js";

// GET /v1/types against a real app on a loopback port: signed, per-client, with an ETag that follows the registry.
let dir: string;
let holder: RegistryHolder;
let server: TestServer;
let notLoaded: TestServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-types-route-"));
  await cp(FIXTURE_TEMPLATES, dir, { recursive: true });
  holder = await fixtureRegistry(dir);
  server = await startTestServer({ registry: holder });
  notLoaded = await startTestServer({ registry: emptyRegistry });
});

afterAll(async () => {
  await server.close();
  await notLoaded.close();
  await rm(dir, { recursive: true, force: true });
});

function mapKeys(source: string): string[] {
  const body = /export interface TemplateMap \{\n([\s\S]*?)\n\}/.exec(source)?.[1] ?? "";
  return body.split("\n").map((line) => /^ {2}"([^"]+)":/.exec(line)?.[1] ?? `unexpected: ${line}`);
}

const SUPPORT_ONLY = { keyId: "app-support", secret: SECRETS.support };

describe("GET /v1/types", () => {
  it("answers the TemplateMap of every template, as text with a strong ETag that must be revalidated", async () => {
    const response = await server.signed("/v1/types");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("etag")).toMatch(/^"sha256-[A-Za-z0-9_-]{43}"$/);
    expect(response.headers.get("cache-control")).toBe("private, no-cache");
    const source = await response.text();
    expect(source.split("\n")[0]).toBe(SERVED_TYPES_HEADER);
    expect(mapKeys(source)).toContain("billing/explain-invoice@1.0.0");
    expect(mapKeys(source)).toContain("support/summarize@production");
  });

  it("answers 304 without a body to If-None-Match with the current ETag (weak or in a list), 200 otherwise", async () => {
    const etag = (await server.signed("/v1/types")).headers.get("etag") as string;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const response = await server.signed("/v1/types", { headers: { "if-none-match": header } });
      expect(response.status, header).toBe(304);
      expect(response.headers.get("etag")).toBe(etag);
      expect(await response.text()).toBe("");
    }
    const stale = await server.signed("/v1/types", { headers: { "if-none-match": '"sha256-old"' } });
    expect(stale.status).toBe(200);
    expect((await stale.text()).length).toBeGreaterThan(0);
  });

  it("types only what a restricted client may use, under its own ETag", async () => {
    const all = await server.signed("/v1/types");
    const restricted = await server.signed("/v1/types", SUPPORT_ONLY);
    expect(restricted.status).toBe(200);
    const source = await restricted.text();
    expect(mapKeys(source).every((key) => key.startsWith("support/"))).toBe(true);
    expect(source).not.toMatch(/billing/i);
    expect(restricted.headers.get("etag")).not.toBe(all.headers.get("etag"));
  });

  it("is signed like every /v1 route", async () => {
    const response = await fetch(`${server.url}/v1/types`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("missing_headers");
  });

  it("answers 503 not_ready before the registry has loaded", async () => {
    const response = await notLoaded.signed("/v1/types");
    expect(response.status).toBe(503);
  });

  it("types a label from its current version: after a reload that moves it, the ETag and the label's types change", async () => {
    const before = await server.signed("/v1/types");
    const beforeEtag = before.headers.get("etag") as string;
    expect(await before.text()).toMatch(
      /"support\/summarize@production": \{ input: SupportSummarizeV1_0_0Input;/,
    );
    await writeFile(path.join(dir, "support/summarize/labels.yaml"), "production: 1.1.0\nstaging: 1.1.0\n");
    const reloaded = await holder.reload();
    expect(reloaded.ok).toBe(true);
    const after = await server.signed("/v1/types", { headers: { "if-none-match": beforeEtag } });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(beforeEtag);
    expect(await after.text()).toMatch(
      /"support\/summarize@production": \{ input: SupportSummarizeV1_1_0Input; output: SupportSummarizeV1_1_0Output \}/,
    );
  });
});
