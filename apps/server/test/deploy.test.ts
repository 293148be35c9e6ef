import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import { signRequest } from "@promptreg/signing";
import { type RedisHandle, startRedis } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_VARIABLES, loadConfig } from "../src/config.js";
import { createService, type Service } from "../src/service.js";
import { capturingLogger, FIXTURE_TEMPLATES, GATEWAY_TEST_KEY } from "./harness.js";
import { type PromqlReads, promqlReads } from "./promql-selectors.js";

const ROOT = new URL("../../../", import.meta.url);
const OPS_TEMPLATES = new URL("./__fixtures__/ops-templates/", import.meta.url).pathname;
const CLIENT_SECRET = "deploy-test-client-secret-0123456789";
/** Series Prometheus adds to every scrape itself; the service cannot export them. */
const SCRAPE_SERIES = new Set(["up"]);
/** Labels Prometheus attaches to every scraped series (target labels). */
const TARGET_LABELS = new Set(["job", "instance"]);

interface Sample {
  name: string;
  labels: Record<string, string>;
}

let dir: string;
let redis: RedisHandle;
let mock: MockGateway;
let service: Service;
let server: Server;
let url: string;
let scrape: string;
let samples: Map<string, Sample[]>;

function parseExposition(text: string): Map<string, Sample[]> {
  const byName = new Map<string, Sample[]>();
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = JSON.parse(`"${pair[2]}"`) as string;
    }
    const name = match[1] as string;
    byName.set(name, [...(byName.get(name) ?? []), { name, labels }]);
  }
  return byName;
}

async function writeClientKeys(folder: string): Promise<string> {
  const file = path.join(folder, "client-keys.yaml");
  await writeFile(
    file,
    `clients:\n  - keyId: ops\n    secrets: ["${CLIENT_SECRET}"]\n    dimensions: { feature: [search] }\n`,
  );
  return file;
}

function signedPost(pathAndQuery: string, body: unknown, secret = CLIENT_SECRET) {
  const text = JSON.stringify(body);
  const headers = signRequest({ keyId: "ops", secret, method: "POST", pathAndQuery, body: text });
  return fetch(url + pathAndQuery, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: text,
  });
}

/**
 * Every metric the expression reads must have at least one series after the traffic below, carrying every label the
 * expression matches on or groups by; an equality matcher's value must occur. So a rule on a renamed metric, a
 * missing label or a misspelt route fails here instead of staying silent in production.
 */
function assertReadable(expr: string, where: string) {
  const reads: PromqlReads = promqlReads(expr);
  expect(reads.selectors.length, `${where} reads no metric`).toBeGreaterThan(0);
  for (const selector of reads.selectors) {
    if (SCRAPE_SERIES.has(selector.metric)) continue;
    const series = samples.get(selector.metric) ?? [];
    expect(
      series.length,
      `${where}: ${selector.metric} has no series in /metrics after traffic`,
    ).toBeGreaterThan(0);
    for (const { label, op, value } of selector.matchers) {
      if (TARGET_LABELS.has(label)) continue;
      expect(
        series.some((sample) => label in sample.labels),
        `${where}: ${selector.metric} has no label ${label}`,
      ).toBe(true);
      if (op === "=" && value !== "") {
        expect(
          series.some((sample) => sample.labels[label] === value),
          `${where}: no ${selector.metric} series has ${label}="${value}"`,
        ).toBe(true);
      }
    }
  }
  for (const grouping of reads.groupings) {
    for (const label of grouping.labels) {
      if (TARGET_LABELS.has(label)) continue;
      expect(
        grouping.selectors.some((selector) =>
          (samples.get(selector.metric) ?? []).some((sample) => label in sample.labels),
        ),
        `${where}: groups by ${label}, which none of ${grouping.selectors.map((s) => s.metric).join(", ")} carries`,
      ).toBe(true);
    }
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-deploy-"));
  const templates = path.join(dir, "templates");
  await cp(FIXTURE_TEMPLATES, templates, { recursive: true });
  await cp(OPS_TEMPLATES, templates, { recursive: true });
  // Scripts by model (see the ops templates): every logical call gets step 1 first, its retries the next steps.
  mock = await createMockGateway({
    apiKey: GATEWAY_TEST_KEY,
    rules: [
      { match: { model: "openai/gpt-4o" }, faults: ["failover:provider=azure;model=openai/gpt-4o"] },
      { match: { model: "google/gemini-2.0-flash" }, faults: ["503", "503", "503", "503"] },
      { match: { model: "ops/rejected-model" }, faults: ["400"] },
    ],
  });
  // On Redis, as a deployment with several replicas runs: the shared stores and the batch queue's gauges are live.
  redis = await startRedis();
  const config = loadConfig({
    env: {
      REDIS_URL: redis.url,
      PROMPTREG_REDIS_KEY_PREFIX: redis.keyPrefix,
      NODE_ENV: "test",
      PROMPTREG_TEMPLATES_DIR: templates,
      PROMPTREG_WATCH: "off",
      // A credentials file, so the client can declare the cost dimension the dashboard groups by.
      PROMPTREG_CLIENT_KEYS_FILE: await writeClientKeys(dir),
      GATEWAY_BASE_URL: mock.url,
      GATEWAY_API_KEY: GATEWAY_TEST_KEY,
    },
    repoRoot: dir,
  });
  const logger = capturingLogger("info");
  // The same assembly main.ts runs (credentials, gateway client with its default retries and circuit breakers,
  // telemetry, registry), listening on a free loopback port.
  service = await createService({ config, logger, publicUrl: "http://127.0.0.1:0" });
  const first = await service.registry.reload();
  expect(first.ok).toBe(true);
  server = service.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Traffic of every kind, so that every series an alert or a panel reads exists.
  const ok = await signedPost("/v1/run", {
    ref: "support/summarize@1.1.0",
    input: { ticket: "t", customer: "c" },
    dimensions: { feature: "search" },
  });
  expect(ok.status).toBe(200);
  const stream = await signedPost("/v1/run", { ref: "support/greet", input: { name: "A" }, stream: true });
  await stream.text();
  expect((await signedPost("/v1/render", { ref: "support/greet", input: {} })).status).toBe(422);
  expect((await signedPost("/v1/run", { ref: "ops/failover", input: { name: "A" } })).status).toBe(200);
  // 24 calls at once of a model that always answers 503: at least 24 failed attempts open its circuit (the breaker
  // needs 20 in its window). Calls fall back to the next model until the retry budget runs out; later ones get 503.
  const fallbacks = await Promise.all(
    Array.from({ length: 24 }, () => signedPost("/v1/run", { ref: "ops/fallback", input: { name: "A" } })),
  );
  const statuses = await Promise.all(
    fallbacks.map(async (response) => {
      await response.text();
      return response.status;
    }),
  );
  expect(statuses).toContain(200);
  expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
  expect(
    (await signedPost("/v1/run", { ref: "ops/broken", input: { name: "A" } })).status,
  ).toBeGreaterThanOrEqual(500);
  expect((await signedPost("/v1/run", { ref: "ops/repair", input: { name: "A" } })).status).toBe(502);
  expect(
    (
      await signedPost(
        "/v1/render",
        { ref: "support/greet", input: { name: "A" } },
        "wrong-secret-0123456789ab",
      )
    ).status,
  ).toBe(401);
  // A reload that fails (a broken file), so the reload counter has its error series.
  await mkdir(path.join(templates, "ops/unparsable"), { recursive: true });
  await writeFile(path.join(templates, "ops/unparsable/1.0.0.yaml"), "id: [unclosed\n");
  expect((await service.registry.reload()).ok).toBe(false);

  scrape = await (await fetch(`${url}/metrics`)).text();
  samples = parseExposition(scrape);
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await service?.close();
  await mock?.close();
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("deploy/prometheus/alerts.yml", () => {
  it("every rule parses and reads only series the service exports, with the labels it uses", async () => {
    const doc = parse(await readFile(new URL("deploy/prometheus/alerts.yml", ROOT), "utf8")) as {
      groups: { name: string; rules: { alert: string; expr: string; for?: string }[] }[];
    };
    const rules = doc.groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining(["PromptregHighErrorRate", "PromptregFailoverSpike", "PromptregDown"]),
    );
    for (const rule of rules) assertReadable(rule.expr, rule.alert);
  });
});

describe("deploy/grafana/promptreg-dashboard.json", () => {
  it("every panel query parses and reads only series the service exports, with the labels it uses", async () => {
    const dashboard = JSON.parse(
      await readFile(new URL("deploy/grafana/promptreg-dashboard.json", ROOT), "utf8"),
    ) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.panels.length).toBeGreaterThan(8);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) assertReadable(target.expr, panel.title);
    }
  });

  it("the metrics carry template labels on the gateway series", () => {
    expect(scrape).toMatch(
      /gen_ai_client_operation_duration_seconds_count\{[^}]*template="support\/summarize"[^}]*template_version="1\.1\.0"/,
    );
    expect(scrape).toMatch(/gateway_client_requests_total\{[^}]*gen_ai_provider_name="openai"/);
    expect(scrape).toMatch(/promptreg_http_errors_total\{origin="caller",code="input_invalid"\} 1/);
    expect(scrape).toMatch(
      /gateway_client_circuit_state\{gen_ai_request_model="google\/gemini-2\.0-flash",gateway_client="service"\} 2/,
    );
  });
});

describe("the PromQL reader used above", () => {
  it("finds selectors the old regex missed, __name__ matchers and grouping labels, and rejects bad syntax", () => {
    const reads = promqlReads(
      'max(promptreg_registry_template_versions) + sum by (route) (rate({__name__="http_server_request_duration_seconds_count", route="/v1/run"}[$__rate_interval]))',
    );
    expect(reads.selectors.map((selector) => selector.metric)).toEqual([
      "promptreg_registry_template_versions",
      "http_server_request_duration_seconds_count",
    ]);
    expect(reads.selectors[1]?.matchers).toEqual([{ label: "route", op: "=", value: "/v1/run" }]);
    expect(reads.groupings).toEqual([
      {
        labels: ["route"],
        selectors: [expect.objectContaining({ metric: "http_server_request_duration_seconds_count" })],
      },
    ]);
    expect(() => promqlReads("sum(rate(x[5m]")).toThrow(/syntax error/);
  });
});

describe("docker-compose.yml and docs/operations.md", () => {
  it("compose sets only variables the service reads, and the docs table lists every variable", async () => {
    // merge: the replicas after the first and the worker take their environment from `<<: *replica` (YAML merge keys).
    const compose = parse(await readFile(new URL("docker-compose.yml", ROOT), "utf8"), { merge: true }) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    expect(Object.keys(compose.services.worker?.environment ?? {})).toContain("REDIS_URL");
    const known = new Set(CONFIG_VARIABLES);
    for (const [name, composeService] of Object.entries(compose.services)) {
      for (const variable of Object.keys(composeService.environment ?? {})) {
        expect(known.has(variable), `${name} sets unknown variable ${variable}`).toBe(true);
      }
    }
    const operations = await readFile(new URL("docs/operations.md", ROOT), "utf8");
    for (const variable of CONFIG_VARIABLES)
      expect(operations, `docs/operations.md lacks ${variable}`).toContain(`\`${variable}\``);
  });
});

describe("docs/operations.md PromQL examples", () => {
  it("every ```promql block parses, and the cost examples read the exported cost series", async () => {
    const doc = await readFile(new URL("docs/operations.md", ROOT), "utf8");
    const blocks = [...doc.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      const reads = promqlReads(block);
      expect(reads.selectors.map((s) => s.metric)).toContain("promptreg_cost_usd_total");
      expect(samples.get("promptreg_cost_usd_total")?.some((s) => "feature" in s.labels)).toBe(true);
    }
  });
});
