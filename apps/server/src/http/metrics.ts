import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { DimensionValues } from "../logic/cost-dimensions.js";

export interface ServerMetrics {
  register: Registry;
  httpDuration: Histogram<"method" | "route" | "status">;
  authFailures: Counter<"reason">;
  errors: Counter<"origin" | "code">;
  outputRepairs: Counter<"template" | "outcome">;
  registryReloads: Counter<"outcome">;
  registryTemplates: Gauge;
  inflight: Gauge;
}

/**
 * The service's own metrics on a private registry (never prom-client's global one, so two apps in one
 * process, as in tests, do not collide). The gateway client's adapter registers on the same registry.
 */
export function createServerMetrics({
  register = new Registry(),
  defaultMetrics = true,
}: {
  register?: Registry;
  defaultMetrics?: boolean;
} = {}): ServerMetrics {
  if (defaultMetrics) collectDefaultMetrics({ register });
  return {
    register,
    httpDuration: new Histogram({
      name: "http_server_request_duration_seconds",
      help: "Duration of HTTP requests handled by the service, by route template and status.",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [register],
    }),
    authFailures: new Counter({
      name: "promptreg_auth_failures_total",
      help: "Requests rejected by signature verification, by reason code.",
      labelNames: ["reason"],
      registers: [register],
    }),
    errors: new Counter({
      name: "promptreg_http_errors_total",
      help: "Failed requests (error responses, and streams that failed after their 200) by origin (caller = 4xx, upstream = gateway, server = our own) and code.",
      labelNames: ["origin", "code"],
      registers: [register],
    }),
    outputRepairs: new Counter({
      name: "promptreg_output_repairs_total",
      help: "Re-asks after a model reply failed the template's output schema, by outcome.",
      labelNames: ["template", "outcome"],
      registers: [register],
    }),
    registryReloads: new Counter({
      name: "promptreg_registry_reloads_total",
      help: "Registry reload attempts by outcome; a failed reload keeps the last good registry serving.",
      labelNames: ["outcome"],
      registers: [register],
    }),
    registryTemplates: new Gauge({
      name: "promptreg_registry_template_versions",
      help: "Template versions in the registry currently serving.",
      registers: [register],
    }),
    inflight: new Gauge({
      name: "http_server_active_requests",
      help: "Requests (including open streams) in progress.",
      registers: [register],
    }),
  };
}

/** What one finished run used, for the cost and token counters. */
export interface RunUsage {
  template: string;
  templateVersion: string;
  client: string;
  dimensions: DimensionValues | undefined;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  costUsd: number | undefined;
}

export interface UsageMetrics {
  /** The dimension label names, fixed at start (every dimension any client declares). */
  readonly dimensionNames: readonly string[];
  record(usage: RunUsage): void;
}

/**
 * `promptreg_cost_usd_total` and `promptreg_tokens_total` by template, version, client and the declared business
 * dimensions. Label values come only from the registry, the credentials file and the values it declares, so the
 * series count is bounded (docs/operations.md, "Cost attribution").
 */
export function createUsageMetrics({
  register,
  dimensionNames,
}: {
  register: Registry;
  dimensionNames: readonly string[];
}): UsageMetrics {
  const labelNames = ["template", "template_version", "client", ...dimensionNames];
  // A second app on the same registry (tests) shares the counters instead of failing to register them twice.
  const cost =
    (register.getSingleMetric("promptreg_cost_usd_total") as Counter<string> | undefined) ??
    new Counter({
      name: "promptreg_cost_usd_total",
      help: "Model cost in US dollars of successful runs, by template, version, client and business dimension.",
      labelNames,
      registers: [register],
    });
  const tokens =
    (register.getSingleMetric("promptreg_tokens_total") as Counter<string> | undefined) ??
    new Counter({
      name: "promptreg_tokens_total",
      help: "Tokens of successful runs by type (input, output), template, version, client and business dimension.",
      labelNames: [...labelNames, "type"],
      registers: [register],
    });
  return {
    dimensionNames,
    record(usage) {
      const labels: Record<string, string> = {
        template: usage.template,
        template_version: usage.templateVersion,
        client: usage.client,
      };
      for (const name of dimensionNames) labels[name] = usage.dimensions?.[name] ?? "none";
      if (usage.costUsd !== undefined) cost.inc(labels, usage.costUsd);
      if (usage.promptTokens !== undefined) tokens.inc({ ...labels, type: "input" }, usage.promptTokens);
      if (usage.completionTokens !== undefined)
        tokens.inc({ ...labels, type: "output" }, usage.completionTokens);
    },
  };
}
