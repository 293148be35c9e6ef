import type { TemplateView } from "./site-data.js";
import { lineChartSvg } from "./svg-chart.js";

/** Mean of the values that exist, or null. */
function mean(values: (number | null | undefined)[]): number | null {
  const present = values.filter((value): value is number => typeof value === "number");
  return present.length === 0 ? null : present.reduce((sum, value) => sum + value, 0) / present.length;
}

/**
 * Per version (oldest first), the mean estimated prompt tokens and cost over its examples, as two charts; undefined
 * when no estimator is plugged in (the page then says nothing rather than plotting guesses).
 */
export function estimateChart(template: TemplateView): string | undefined {
  const ascending = [...template.versions].reverse();
  const withEstimates = ascending.some((view) => view.examples.some((example) => example.estimate));
  if (!withEstimates) return undefined;
  const xLabels = ascending.map((view) => view.version.version);
  const tokens = ascending.map((view) =>
    mean(view.examples.map((example) => example.estimate?.promptTokens)),
  );
  const cost = ascending.map((view) =>
    mean(view.examples.map((example) => example.estimate?.costUsd ?? undefined)),
  );
  return [
    lineChartSvg({
      title: "Estimated prompt tokens per version (mean over its examples)",
      xLabels,
      series: [{ name: "prompt tokens", values: tokens }],
      yLabel: "tokens",
    }),
    lineChartSvg({
      title: "Estimated prompt cost per call, USD (mean over its examples)",
      xLabels,
      series: [{ name: "USD per call", values: cost }],
      yLabel: "USD",
    }),
  ].join("\n\n");
}
