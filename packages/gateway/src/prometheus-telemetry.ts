import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { InvalidConfigError } from "./errors/invalid-config-error.js";
import type { GatewayEvent, GatewayEventSink } from "./types.js";

export interface PrometheusTelemetryOptions {
  /** The caller's prom-client registry; the metrics are registered there. */
  registry: Registry;
  /**
   * Names of extra labels added to every request-scoped metric, e.g. `["template", "template_version"]`. Values come
   * per call from `chat(request, { telemetryLabels })`; a missing value is exported as "".
   */
  extraLabelNames?: readonly string[];
}

/** OpenTelemetry GenAI semantic-convention histogram buckets. */
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const CIRCUIT_VALUE = { closed: 0, "half-open": 1, open: 2 } as const;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const BASE = [
  "gen_ai_operation_name",
  "gen_ai_provider_name",
  "gen_ai_request_model",
  "gen_ai_response_model",
];
const RESERVED = new Set([
  ...BASE,
  "error_type",
  "error_origin",
  "gen_ai_token_type",
  "reason",
  "model",
  "gateway_client",
  "le",
  "quantile",
]);

/**
 * A telemetry sink that keeps Prometheus metrics following the OpenTelemetry GenAI conventions (dots become
 * underscores): operation duration, token usage by type, time to first chunk, plus the client's own retries,
 * failovers, errors by type and origin, provider mix and circuit states. Pass it as `events` to createGatewayClient.
 */
export function createPrometheusTelemetry({
  registry,
  extraLabelNames = [],
}: PrometheusTelemetryOptions): GatewayEventSink {
  for (const name of extraLabelNames) {
    if (!LABEL_NAME.test(name) || RESERVED.has(name) || name.startsWith("__")) {
      throw new InvalidConfigError({
        path: "extraLabelNames",
        problem: `"${name}" is not a usable Prometheus label name (reserved or invalid)`,
        fix: "Use snake_case names such as template and template_version.",
      });
    }
  }
  const extra = [...extraLabelNames];
  if (registry.getSingleMetric("gen_ai_client_operation_duration_seconds")) {
    throw new InvalidConfigError({
      path: "registry",
      problem: "the registry already holds the gateway client metrics",
      fix: "Create the Prometheus telemetry once per registry and share the sink between clients.",
    });
  }
  const registers = [registry];
  const duration = new Histogram({
    name: "gen_ai_client_operation_duration_seconds",
    help: "GenAI operation duration, retries and fallbacks included (OTel gen_ai.client.operation.duration).",
    labelNames: [...BASE, "error_type", ...extra],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const tokens = new Histogram({
    name: "gen_ai_client_token_usage",
    help: "Tokens used per operation by type input/output (OTel gen_ai.client.token.usage).",
    labelNames: [...BASE, "gen_ai_token_type", ...extra],
    buckets: TOKEN_BUCKETS,
    registers,
  });
  const firstChunk = new Histogram({
    name: "gen_ai_client_operation_time_to_first_chunk_seconds",
    help: "Time from the start of a streamed call to its first content chunk.",
    labelNames: ["gen_ai_operation_name", "gen_ai_request_model", ...extra],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const retries = new Counter({
    name: "gateway_client_retries_total",
    help: "Retries scheduled, by reason (rate_limited, server_error, timeout, connection, ...).",
    labelNames: ["reason", "gen_ai_request_model", ...extra],
    registers,
  });
  const failovers = new Counter({
    name: "gateway_client_failovers_total",
    help: "Answers served by another provider or model than the one asked for (detected by the client).",
    labelNames: ["gen_ai_request_model", "gen_ai_response_model", "gen_ai_provider_name", "reason", ...extra],
    registers,
  });
  const fallbacks = new Counter({
    name: "gateway_client_fallbacks_total",
    help: "Client-side switches to the next model of the fallback chain.",
    labelNames: ["from_model", "to_model", "reason", ...extra],
    registers,
  });
  const errors = new Counter({
    name: "gateway_client_errors_total",
    help: "Failed calls by error type (GatewayError code) and origin (caller or upstream).",
    labelNames: ["gen_ai_request_model", "error_type", "error_origin", ...extra],
    registers,
  });
  const requests = new Counter({
    name: "gateway_client_requests_total",
    help: "Successful calls by serving provider and model: the provider mix.",
    labelNames: ["gen_ai_request_model", "gen_ai_provider_name", "gen_ai_response_model", ...extra],
    registers,
  });
  const attempts = new Counter({
    name: "gateway_client_attempts_total",
    help: "Upstream HTTP attempts by outcome.",
    labelNames: ["gen_ai_request_model", "outcome", ...extra],
    registers,
  });
  const circuit = new Gauge({
    name: "gateway_client_circuit_state",
    help: "Circuit breaker state per model and gateway client: 0 closed, 1 half-open, 2 open.",
    // Each client keeps its own breakers; without the client's name, two clients sharing this sink would overwrite
    // one series per model with whichever breaker changed last.
    labelNames: ["gen_ai_request_model", "gateway_client"],
    registers,
  });

  const withExtra = (labels: Record<string, string | number>, given: Record<string, string> | undefined) => {
    for (const name of extra) labels[name] = given?.[name] ?? "";
    return labels;
  };

  return (event: GatewayEvent) => {
    switch (event.type) {
      case "attempt_end":
        attempts.inc(withExtra({ gen_ai_request_model: event.model, outcome: event.outcome }, event.labels));
        return;
      case "retry_scheduled":
        retries.inc(withExtra({ reason: event.reason, gen_ai_request_model: event.model }, event.labels));
        return;
      case "fallback":
        fallbacks.inc(
          withExtra({ from_model: event.from, to_model: event.to, reason: event.reason }, event.labels),
        );
        return;
      case "failover":
        failovers.inc(
          withExtra(
            {
              gen_ai_request_model: event.attemptedModel,
              gen_ai_response_model: event.servedModel,
              gen_ai_provider_name: event.servedProvider ?? "",
              reason: event.reason,
            },
            event.labels,
          ),
        );
        return;
      case "circuit_state":
        circuit.set(
          { gen_ai_request_model: event.model, gateway_client: event.client },
          CIRCUIT_VALUE[event.to],
        );
        return;
      case "first_chunk":
        firstChunk.observe(
          withExtra({ gen_ai_operation_name: "chat", gen_ai_request_model: event.model }, event.labels),
          event.latencyMs / 1000,
        );
        return;
      case "request_end": {
        const seconds = event.durationMs / 1000;
        if (event.result) {
          const meta = event.result.metadata;
          const base = withExtra(
            {
              gen_ai_operation_name: "chat",
              gen_ai_provider_name: meta.provider ?? "",
              gen_ai_request_model: meta.requestedModel,
              gen_ai_response_model: meta.servedModel,
            },
            event.labels,
          );
          duration.observe({ ...base, error_type: "" }, seconds);
          requests.inc(
            withExtra(
              {
                gen_ai_request_model: meta.requestedModel,
                gen_ai_provider_name: meta.provider ?? "",
                gen_ai_response_model: meta.servedModel,
              },
              event.labels,
            ),
          );
          if (meta.usage) {
            tokens.observe({ ...base, gen_ai_token_type: "input" }, meta.usage.promptTokens);
            tokens.observe({ ...base, gen_ai_token_type: "output" }, meta.usage.completionTokens);
          }
        } else if (event.error) {
          duration.observe(
            withExtra(
              {
                gen_ai_operation_name: "chat",
                gen_ai_provider_name: "",
                gen_ai_request_model: event.model,
                gen_ai_response_model: "",
                error_type: event.error.code,
              },
              event.labels,
            ),
            seconds,
          );
          errors.inc(
            withExtra(
              {
                gen_ai_request_model: event.model,
                error_type: event.error.code,
                error_origin: event.error.origin,
              },
              event.labels,
            ),
          );
        }
        return;
      }
      default:
        return;
    }
  };
}
