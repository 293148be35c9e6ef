import { thrownBy } from "@promptreg/test-kit";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createPrometheusTelemetry, InvalidConfigError } from "../src/index.js";
import { call, type Harness, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const labels = { template: "support/summarize", template_version: "1.2.0" };

describe("createPrometheusTelemetry", () => {
  it("records GenAI metrics, retries, failovers, errors by origin and the provider mix into the caller's registry", async () => {
    const registry = new Registry();
    const sink = createPrometheusTelemetry({ registry, extraLabelNames: ["template", "template_version"] });
    h = await startHarness({ client: { events: sink, circuitBreaker: false } });
    await call(h, { stream: false, faults: "500,ok", telemetryLabels: labels });
    await call(h, {
      stream: true,
      faults: "failover:provider=azure;model=openai/gpt-4o",
      telemetryLabels: labels,
    });
    await call(h, { stream: false, faults: "400", telemetryLabels: labels });
    await call(h, { stream: false, faults: "503,503,503" });
    const metrics = await registry.getMetricsAsJSON();
    /** Value of the one sample of `name` whose labels equal `want` (order-insensitive), 0 when none. */
    const value = (name: string, want: Record<string, string>) => {
      const metricName = name.replace(/_(count|sum)$/, "");
      const metric = metrics.find((m) => m.name === metricName);
      const samples = (metric?.values ?? []).filter(
        (v) =>
          ((v as { metricName?: string }).metricName ?? metricName) === name &&
          Object.keys(want).length === Object.keys(v.labels).length &&
          Object.entries(want).every(([k, x]) => String(v.labels[k]) === x),
      );
      expect(samples.length, `${name} ${JSON.stringify(want)}`).toBeLessThanOrEqual(1);
      return samples[0]?.value ?? 0;
    };
    const none = { template: "", template_version: "" };
    const mini = { gen_ai_request_model: "openai/gpt-4o-mini" };
    const op = { gen_ai_operation_name: "chat", ...mini };

    expect(
      value("gen_ai_client_operation_duration_seconds_count", {
        ...op,
        gen_ai_provider_name: "openai",
        gen_ai_response_model: "openai/gpt-4o-mini",
        error_type: "",
        ...labels,
      }),
    ).toBe(1);
    expect(
      value("gen_ai_client_operation_duration_seconds_count", {
        ...op,
        gen_ai_provider_name: "",
        gen_ai_response_model: "",
        error_type: "upstream_error",
        ...none,
      }),
    ).toBe(1);
    for (const type of ["input", "output"]) {
      expect(
        value("gen_ai_client_token_usage_count", {
          ...op,
          gen_ai_provider_name: "azure",
          gen_ai_response_model: "openai/gpt-4o",
          gen_ai_token_type: type,
          ...labels,
        }),
      ).toBe(1);
    }
    expect(value("gen_ai_client_operation_time_to_first_chunk_seconds_count", { ...op, ...labels })).toBe(1);
    expect(value("gateway_client_retries_total", { reason: "server_error", ...mini, ...labels })).toBe(1);
    expect(value("gateway_client_retries_total", { reason: "server_error", ...mini, ...none })).toBe(2);
    expect(
      value("gateway_client_failovers_total", {
        ...mini,
        gen_ai_response_model: "openai/gpt-4o",
        gen_ai_provider_name: "azure",
        reason: "provider_mismatch",
        ...labels,
      }),
    ).toBe(1);
    expect(
      value("gateway_client_errors_total", {
        ...mini,
        error_type: "bad_request",
        error_origin: "caller",
        ...labels,
      }),
    ).toBe(1);
    expect(
      value("gateway_client_errors_total", {
        ...mini,
        error_type: "upstream_error",
        error_origin: "upstream",
        ...none,
      }),
    ).toBe(1);
    expect(
      value("gateway_client_requests_total", {
        ...mini,
        gen_ai_provider_name: "azure",
        gen_ai_response_model: "openai/gpt-4o",
        ...labels,
      }),
    ).toBe(1);
    expect(
      value("gateway_client_requests_total", {
        ...mini,
        gen_ai_provider_name: "openai",
        gen_ai_response_model: "openai/gpt-4o-mini",
        ...labels,
      }),
    ).toBe(1);
    expect(value("gateway_client_attempts_total", { ...mini, outcome: "error", ...none })).toBe(3);
  });

  it("exports circuit state changes as a gauge", async () => {
    const registry = new Registry();
    const sink = createPrometheusTelemetry({ registry });
    sink({
      type: "circuit_state",
      client: "",
      model: "a/b",
      from: "closed",
      to: "open",
      reason: "consecutive_failures",
    });
    // An unnamed client's label is empty, which Prometheus drops: the series a single client always had.
    expect(await registry.metrics()).toContain(
      'gateway_client_circuit_state{gen_ai_request_model="a/b",gateway_client=""} 2',
    );
  });

  it("keeps one circuit series per named client sharing the sink, so each client's breaker stays visible", async () => {
    const registry = new Registry();
    const sink = createPrometheusTelemetry({ registry });
    const clock = { t: 0 };
    const policies = {
      events: sink,
      retry: { maxAttempts: 1 },
      circuitBreaker: { consecutiveFailures: 1, openMs: 1_000 },
      retryBudget: false as const,
      now: () => clock.t,
    };
    h = await startHarness({ client: { ...policies, name: "service" } });
    // The batch client's clock stands still: its circuit stays open while the service's recovers.
    const batch = h.fork({ ...policies, name: "batch", now: () => 0 });
    const model = "openai/gpt-4o-mini";
    const circuit = async () =>
      (await registry.getMetricsAsJSON())
        .find((m) => m.name === "gateway_client_circuit_state")
        ?.values.map((v) => `${v.labels.gateway_client}:${v.labels.gen_ai_request_model}=${v.value}`)
        .sort();

    await call(batch, { stream: false, faults: "500" });
    expect(await circuit()).toEqual([`batch:${model}=2`]);
    // The service's breaker opens and closes again later; the batch client's open circuit keeps its own series.
    await call(h, { stream: false, faults: "500" });
    expect(await circuit()).toEqual([`batch:${model}=2`, `service:${model}=2`]);
    clock.t = 1_000;
    await call(h, { stream: false });
    expect(h.client.circuitState(model)).toBe("closed");
    expect(batch.client.circuitState(model)).toBe("open");
    expect(await circuit()).toEqual([`batch:${model}=2`, `service:${model}=0`]);
  });

  it("refuses a client name that is not a string", async () => {
    h = await startHarness();
    const error = thrownBy(() => h?.fork({ name: 42 as unknown as string }));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    expect((error as InvalidConfigError).path).toBe("name");
  });

  it("refuses reserved or invalid extra label names and a second adapter on the same registry", () => {
    const registry = new Registry();
    expect(() => createPrometheusTelemetry({ registry, extraLabelNames: ["error_type"] })).toThrow(
      InvalidConfigError,
    );
    expect(() => createPrometheusTelemetry({ registry, extraLabelNames: ["template-version"] })).toThrow(
      /template-version/,
    );
    createPrometheusTelemetry({ registry });
    const error = thrownBy(() => createPrometheusTelemetry({ registry }));
    expect(InvalidConfigError.isInstance(error)).toBe(true);
    expect((error as InvalidConfigError).path).toBe("registry");
  });
});
