import type { RequestSample } from "./stats-store.js";

export interface WindowStats {
  requests: number;
  errors: number;
  errorRate: number;
  callerErrors: number;
  upstreamErrors: number;
}

export interface TemplateStats {
  template: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** Usage of the runs that carried one value of one business dimension. */
export interface DimensionUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** dimension name -> value (`none` when a run left it out) -> usage. */
export type DimensionStats = Record<string, Record<string, DimensionUsage>>;

export interface StatsSummary {
  generatedAt: string;
  /** Samples the percentiles are computed from (the last 5 minutes, bounded by the store's capacity). */
  sampleSize: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  window1m: WindowStats;
  window5m: WindowStats;
  byTemplate: TemplateStats[];
  /** Cost and tokens per business dimension value (cost attribution), over the last 1 and 5 minutes. */
  byDimension: { window1m: DimensionStats; window5m: DimensionStats };
  /** Share of gateway calls served by each provider, 0..1. */
  providerMix: Record<string, number>;
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? null;
}

function windowStats(samples: RequestSample[]): WindowStats {
  let errors = 0;
  let callerErrors = 0;
  let upstreamErrors = 0;
  for (const sample of samples) {
    // A stream that failed after its 200 has an origin but a 2xx status.
    if (sample.status < 400 && sample.errorOrigin === undefined) continue;
    errors++;
    if (sample.errorOrigin === "caller") callerErrors++;
    else if (sample.errorOrigin === "upstream") upstreamErrors++;
  }
  return {
    requests: samples.length,
    errors,
    errorRate: samples.length === 0 ? 0 : errors / samples.length,
    callerErrors,
    upstreamErrors,
  };
}

function dimensionStats(samples: RequestSample[]): DimensionStats {
  const out: DimensionStats = {};
  for (const sample of samples) {
    for (const [name, value] of Object.entries(sample.dimensions ?? {})) {
      out[name] ??= {};
      const byValue = out[name];
      byValue[value] ??= { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
      const entry = byValue[value];
      entry.requests++;
      entry.promptTokens += sample.promptTokens ?? 0;
      entry.completionTokens += sample.completionTokens ?? 0;
      entry.costUsd += sample.costUsd ?? 0;
    }
  }
  return out;
}

/** The `/v1/stats` summary, computed from recorded samples (pure, so tests feed it directly). */
export function computeStats({ samples, now }: { samples: RequestSample[]; now: number }): StatsSummary {
  const last5 = samples.filter((sample) => sample.at >= now - 5 * 60_000 && sample.at <= now);
  const last1 = last5.filter((sample) => sample.at >= now - 60_000);
  const latencies = last5.map((sample) => sample.latencyMs).sort((a, b) => a - b);
  const templates = new Map<string, TemplateStats>();
  const providers = new Map<string, number>();
  let providerTotal = 0;
  for (const sample of last5) {
    if (sample.template) {
      const key = sample.templateVersion ? `${sample.template}@${sample.templateVersion}` : sample.template;
      const entry = templates.get(key) ?? {
        template: key,
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
      };
      entry.requests++;
      entry.promptTokens += sample.promptTokens ?? 0;
      entry.completionTokens += sample.completionTokens ?? 0;
      entry.costUsd += sample.costUsd ?? 0;
      templates.set(key, entry);
    }
    if (sample.provider) {
      providers.set(sample.provider, (providers.get(sample.provider) ?? 0) + 1);
      providerTotal++;
    }
  }
  return {
    generatedAt: new Date(now).toISOString(),
    sampleSize: last5.length,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    },
    window1m: windowStats(last1),
    window5m: windowStats(last5),
    byTemplate: [...templates.values()].sort((a, b) => a.template.localeCompare(b.template)),
    byDimension: { window1m: dimensionStats(last1), window5m: dimensionStats(last5) },
    providerMix: Object.fromEntries(
      [...providers.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, count]) => [name, count / providerTotal]),
    ),
  };
}
