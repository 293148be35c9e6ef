import { readFile } from "node:fs/promises";
import { createMockGateway, type MockGateway } from "@promptreg/mock-gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createServerMetrics } from "../src/http/metrics.js";
import { fixtureRegistry, startTestServer, type TestServer, testGateway } from "./harness.js";

const ROOT = new URL("../../../", import.meta.url);
const HISTOGRAM_SUFFIXES = /_(bucket|count|sum)$/;

let mock: MockGateway;
let server: TestServer;
let exported: Set<string>;

/** Identifiers directly followed by `{` or `[` are metric selectors in PromQL (functions take `(`). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{[]/g)].map((match) => match[1] as string);
}

function assertKnown(expr: string, where: string) {
  const names = metricNames(expr);
  expect(names.length, `${where} names no metric`).toBeGreaterThan(0);
  for (const name of names) {
    const base = exported.has(name) ? name : name.replace(HISTOGRAM_SUFFIXES, "");
    expect(exported.has(base), `${where}: metric ${name} is not exported by /metrics`).toBe(true);
  }
}

beforeAll(async () => {
  mock = await createMockGateway({});
  const metrics = createServerMetrics();
  server = await startTestServer({
    registry: await fixtureRegistry(),
    metrics,
    gateway: testGateway({ baseUrl: mock.url, register: metrics.register }),
  });
  // Some traffic of every kind, so labelled series exist too.
  await server.signed("/v1/run", {
    body: { ref: "support/summarize", input: { ticket: "t", customer: "c" } },
  });
  await (
    await server.signed("/v1/run", { body: { ref: "support/greet", input: { name: "A" }, stream: true } })
  ).text();
  await server.signed("/v1/render", { body: { ref: "support/greet", input: {} } });
  await fetch(`${server.url}/v1/stats`);
  const text = await (await fetch(`${server.url}/metrics`)).text();
  exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1] as string));
});
afterAll(async () => {
  await server.close();
  await mock.close();
});

describe("deploy/prometheus/alerts.yml", () => {
  it("parses and names only metrics the service exports", async () => {
    const doc = parse(await readFile(new URL("deploy/prometheus/alerts.yml", ROOT), "utf8")) as {
      groups: { name: string; rules: { alert: string; expr: string; for?: string }[] }[];
    };
    const rules = doc.groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        "PromptregHighErrorRate",
        "PromptregRunP99Regression",
        "PromptregFailoverSpike",
      ]),
    );
    expect(rules.find((rule) => rule.alert === "PromptregHighErrorRate")).toMatchObject({ for: "5m" });
    expect(rules.find((rule) => rule.alert === "PromptregHighErrorRate")?.expr).toContain("> 0.01");
    for (const rule of rules) assertKnown(rule.expr, rule.alert);
  });
});

describe("deploy/grafana/promptreg-dashboard.json", () => {
  it("parses and every panel query names only exported metrics", async () => {
    const dashboard = JSON.parse(
      await readFile(new URL("deploy/grafana/promptreg-dashboard.json", ROOT), "utf8"),
    ) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.panels.length).toBeGreaterThan(8);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) assertKnown(target.expr, panel.title);
    }
  });

  it("the metrics carry template labels on the gateway series", async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(
      /gen_ai_client_operation_duration_seconds_count\{[^}]*template="support\/summarize"[^}]*template_version="1\.1\.0"/,
    );
    expect(text).toMatch(/gateway_client_requests_total\{[^}]*gen_ai_provider_name="openai"/);
    expect(text).toMatch(/promptreg_http_errors_total\{origin="caller",code="input_invalid"\} 1/);
  });
});

describe("docker-compose.yml and docs/operations.md", () => {
  it("compose sets only variables the service reads, and the docs table lists every variable", async () => {
    const { CONFIG_VARIABLES } = await import("../src/config.js");
    const compose = parse(await readFile(new URL("docker-compose.yml", ROOT), "utf8")) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    const known = new Set(CONFIG_VARIABLES);
    for (const [name, service] of Object.entries(compose.services)) {
      for (const variable of Object.keys(service.environment ?? {})) {
        expect(known.has(variable), `${name} sets unknown variable ${variable}`).toBe(true);
      }
    }
    const operations = await readFile(new URL("docs/operations.md", ROOT), "utf8");
    for (const variable of CONFIG_VARIABLES)
      expect(operations, `docs/operations.md lacks ${variable}`).toContain(`\`${variable}\``);
  });
});
