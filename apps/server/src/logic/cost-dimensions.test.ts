import { parseClientKeys } from "@promptreg/signing";
import fc from "fast-check";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { DimensionNotAllowedError } from "../errors/dimension-not-allowed-error.js";
import { createUsageMetrics } from "../http/metrics.js";
import { declaredDimensionNames, resolveDimensions } from "./cost-dimensions.js";

const S = "secret-0123456789abcdef";
const KEYS = parseClientKeys(
  JSON.stringify({
    clients: [
      {
        keyId: "web",
        secrets: [S],
        dimensions: { feature: ["search", "checkout", "chat"], customer_tier: ["free", "pro"] },
      },
      { keyId: "backoffice", secrets: [S], dimensions: { team: ["support", "billing"] } },
      { keyId: "batch", secrets: [S] },
    ],
  }),
);
const NAMES = declaredDimensionNames(KEYS);

describe("declaredDimensionNames", () => {
  it("is the sorted union of every client's dimensions", () => {
    expect(NAMES).toEqual(["customer_tier", "feature", "team"]);
    expect(declaredDimensionNames(undefined)).toEqual([]);
  });
});

describe("resolveDimensions", () => {
  const web = KEYS.get("web")!;
  it("fills every label, `none` where the request sent nothing", () => {
    expect(
      resolveDimensions({
        names: NAMES,
        declared: web.dimensions,
        requested: { feature: "chat" },
        keyId: "web",
      }),
    ).toEqual({ customer_tier: "none", feature: "chat", team: "none" });
  });

  it("refuses an undeclared dimension or value, naming the dimension and the allowed values", () => {
    const bad = (requested: Record<string, string>) => {
      try {
        resolveDimensions({ names: NAMES, declared: web.dimensions, requested, keyId: "web" });
      } catch (error) {
        if (DimensionNotAllowedError.isInstance(error)) return error;
      }
      throw new Error("expected DimensionNotAllowedError");
    };
    expect(bad({ feature: "Search" })).toMatchObject({
      dimension: "feature",
      allowed: ["search", "checkout", "chat"],
      status: 422,
    });
    expect(bad({ team: "support" })).toMatchObject({ dimension: "team", allowed: [] }); // declared by another client
    expect(bad({ toString: "x" })).toMatchObject({ dimension: "toString", allowed: [] });
    expect(bad({ feature: "none" })).toMatchObject({ dimension: "feature" });
  });
});

describe("cost metrics cardinality", () => {
  it("10,000 requests with random dimension values keep the series within the declared bound", () => {
    const register = new Registry();
    const usage = createUsageMetrics({ register, dimensionNames: NAMES });
    const declaredValue = fc.constantFrom(
      "search",
      "checkout",
      "chat",
      "free",
      "pro",
      "support",
      "billing",
      "none",
    );
    const request = fc.record({
      template: fc.constantFrom("support/summarize", "billing/refund", "search/rerank"),
      version: fc.constantFrom("1.0.0", "1.1.0"),
      client: fc.constantFrom("web", "backoffice", "batch"),
      dimensions: fc.dictionary(
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...NAMES) },
          { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
        ),
        fc.oneof(
          { weight: 6, arbitrary: declaredValue },
          { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
        ),
        { maxKeys: 4 },
      ),
    });
    let accepted = 0;
    for (const r of fc.sample(request, { numRuns: 10_000, seed: 12 })) {
      const client = KEYS.get(r.client)!;
      try {
        const dimensions = resolveDimensions({
          names: NAMES,
          declared: client.dimensions,
          requested: r.dimensions,
          keyId: r.client,
        });
        usage.record({
          template: r.template,
          templateVersion: r.version,
          client: r.client,
          dimensions,
          promptTokens: 10,
          completionTokens: 5,
          costUsd: 0.001,
        });
        accepted++;
      } catch (error) {
        if (!DimensionNotAllowedError.isInstance(error)) throw error;
      }
    }
    // Per client: templates x versions x (declared values + 1 for "none") per declared dimension.
    const perClient = { web: 3 * 2 * (3 + 1) * (2 + 1), backoffice: 3 * 2 * (2 + 1), batch: 3 * 2 };
    const bound = perClient.web + perClient.backoffice + perClient.batch;
    const series = (name: string) =>
      register.getSingleMetric(name)!.get() as unknown as Promise<{
        values: { labels: Record<string, string> }[];
      }>;
    return Promise.all([series("promptreg_cost_usd_total"), series("promptreg_tokens_total")]).then(
      ([cost, tokens]) => {
        expect(accepted).toBeGreaterThan(1_000);
        expect(cost.values.length).toBeLessThanOrEqual(bound);
        expect(cost.values.length).toBeGreaterThan(bound / 2); // the sample did explore the declared space
        expect(tokens.values.length).toBeLessThanOrEqual(2 * bound);
        const allowed = new Set([
          "none",
          ...Object.values(KEYS.clients.flatMap((c) => Object.values(c.dimensions ?? {}).flat())),
        ]);
        for (const { labels } of cost.values)
          for (const name of NAMES) expect(allowed.has(labels[name] as string)).toBe(true);
      },
    );
  });
});
