import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { estimatePrompt, reviewPriceTable } from "@promptreg/review";
import { afterAll, describe, expect, it } from "vitest";
import { reviewAnalysis } from "./analysis.js";
import { loadSiteData } from "./site-data.js";

const TEMPLATES = fileURLToPath(new URL("../../../templates", import.meta.url));
const MESSAGES = [
  { role: "system", content: "You summarise support tickets." },
  { role: "user", content: "My invoice is wrong." },
];
const temps: string[] = [];

afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

describe("reviewAnalysis", () => {
  it("prices prompts like promptreg review, with the repository's prices over the list prices", () => {
    const estimate = reviewAnalysis({ prices: { "acme/tiny": { input: 2, output: 4 } } }).estimatePrompt!({
      model: "acme/tiny",
      messages: MESSAGES,
    });
    const review = estimatePrompt({
      model: "acme/tiny",
      messages: MESSAGES,
      prices: reviewPriceTable({ "acme/tiny": { input: 2, output: 4 } }),
    });
    expect(estimate).toEqual(review);
    expect(estimate.costUsd).toBeCloseTo((estimate.promptTokens * 2) / 1_000_000, 12);
    expect(reviewAnalysis().estimatePrompt!({ model: "acme/tiny", messages: MESSAGES }).costUsd).toBeNull();
  });

  it("marks an input change breaking when it narrows what callers may send, an output change when it widens", () => {
    const { classifyChanges } = reviewAnalysis();
    const version = (inputMax: number, outputEnum: string[]) =>
      ({
        inputSchema: {
          type: "object",
          properties: { text: { type: "string", maxLength: inputMax } },
          required: ["text"],
        },
        outputSchema: {
          type: "object",
          properties: { mood: { type: "string", enum: outputEnum } },
          required: ["mood"],
        },
      }) as unknown as Parameters<NonNullable<typeof classifyChanges>>[0];
    const narrowedInput = classifyChanges!(version(100, ["ok"]), version(50, ["ok"]));
    expect(narrowedInput).toEqual([expect.objectContaining({ side: "input", path: "text", breaking: true })]);
    const widenedInput = classifyChanges!(version(100, ["ok"]), version(200, ["ok"]));
    expect(widenedInput).toEqual([expect.objectContaining({ side: "input", breaking: false })]);
    const widenedOutput = classifyChanges!(version(100, ["ok"]), version(100, ["ok", "angry"]));
    expect(widenedOutput).toEqual([
      expect.objectContaining({ side: "output", path: "mood", breaking: true }),
    ]);
  });
});

describe("loadSiteData", () => {
  it("estimates costs with the prices of the promptreg.config.yaml that governs the templates", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "promptreg-docs-prices-"));
    temps.push(root);
    await mkdir(path.join(root, ".git"));
    await cp(TEMPLATES, path.join(root, "templates"), { recursive: true });
    // A price no real model has, so the figure can only come from this file.
    await writeFile(
      path.join(root, "promptreg.config.yaml"),
      "templates: templates\nprices:\n  openai/gpt-4o-mini: { input: 1000000, output: 1000000 }\n",
    );
    const site = await loadSiteData({ templatesDir: path.join(root, "templates") });
    const template = site.templates.find((entry) => entry.id === "support/summarize-ticket")!;
    const example = template.versions.find((view) => view.version.version === "2.0.0")!.examples[0]!;
    expect(example.estimate!.costUsd).toBeCloseTo(example.estimate!.promptTokens, 6);
  }, 60_000);
});
