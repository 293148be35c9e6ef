import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lineChartSvg, niceMax } from "./svg-chart.js";

describe("lineChartSvg", () => {
  it("niceMax rounds up to 1, 2 or 5 times a power of ten, never below the value", () => {
    expect([niceMax(0), niceMax(0.7), niceMax(2.18), niceMax(3.2), niceMax(1200)]).toEqual([
      1, 1, 5, 5, 2000,
    ]);
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (value) => {
        const max = niceMax(value);
        expect(max).toBeGreaterThanOrEqual(value);
        expect(max).toBeLessThanOrEqual(value * 5 + 1e-9);
      }),
    );
  });

  it("draws a point with its exact value per present value, a line per series, the references and escaped labels", () => {
    const svg = lineChartSvg({
      title: "a <b> & c",
      xLabels: ["1.0.0", "1.1.0", "2.0.0"],
      series: [
        { name: "tokens", values: [100, null, 140] },
        { name: "cost", values: [1, 2, 3] },
      ],
      yLabel: "n",
      references: [{ value: 120, label: "budget" }],
    });
    expect(svg.match(/<circle /g)).toHaveLength(5);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain("<title>tokens, 2.0.0: 140</title>");
    expect(svg).toContain("budget</text>");
    expect(svg).toContain('aria-label="a &lt;b&gt; &amp; c"');
    expect(svg).not.toContain("\n");
  });
});
