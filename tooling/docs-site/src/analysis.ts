import type { TemplateVersion } from "@promptreg/registry";
import {
  compareSchemas,
  estimatePrompt,
  isBreaking,
  reviewPriceTable,
  wordDiff as reviewWordDiff,
} from "@promptreg/review";

/** One run of a text diff. */
export interface DiffPart {
  kind: "same" | "added" | "removed";
  text: string;
}

/** Word-level diff of two texts; the parts, joined without the removed ones, give `after`. */
export type TextDiff = (before: string, after: string) => DiffPart[];

/** One classified difference between the schemas of two consecutive versions. */
export interface SchemaChange {
  side: "input" | "output";
  /** JSON path of the changed node, e.g. `properties.ticket` or `ticket`. */
  path: string;
  description: string;
  breaking: boolean;
}

/** Classifies what changed for callers between two versions (the review's classifier plugs in here). */
export type ChangeClassifier = (before: TemplateVersion, after: TemplateVersion) => SchemaChange[];

/** Estimated size and price of one rendered prompt. */
export interface PromptEstimate {
  promptTokens: number;
  /** USD for the prompt tokens, `null` when the model has no known price. */
  costUsd: number | null;
}

/** Estimates the prompt tokens and cost of rendered messages for a model (the review's estimator plugs in here). */
export type PromptEstimator = (request: {
  model: string;
  messages: readonly { role: string; content: string }[];
}) => PromptEstimate;

/**
 * The analyses the pages use. By default they are those of `promptreg review` (`reviewAnalysis`), so a page and a
 * review comment never disagree on what breaks callers or what a prompt costs. Without a classifier or estimator
 * (a test, or a caller that wants none) the pages say what they do not know instead of guessing.
 */
export interface DocsAnalysis {
  diffText: TextDiff;
  classifyChanges?: ChangeClassifier;
  estimatePrompt?: PromptEstimator;
}

/** The review's word diff (jsdiff, whitespace runs kept as tokens so line breaks in prompts survive). */
export const wordDiff: TextDiff = reviewWordDiff;

/** USD per 1M tokens by model, as in promptreg.config.yaml's `prices`. */
export type ModelPrices = NonNullable<Parameters<typeof reviewPriceTable>[0]>;

/**
 * The review's analyses: its schema change classifier (input breaks when it narrows what callers may send, output
 * when it widens what they may receive) and its prompt estimator (gpt-tokenizer, the gateway's list prices overridden
 * by the repository's `prices`).
 */
export function reviewAnalysis(options: { prices?: ModelPrices } = {}): DocsAnalysis {
  const prices = reviewPriceTable(options.prices);
  return {
    diffText: wordDiff,
    classifyChanges: (before, after) =>
      (["input", "output"] as const).flatMap((side) =>
        compareSchemas(
          side === "input" ? before.inputSchema : before.outputSchema,
          side === "input" ? after.inputSchema : after.outputSchema,
        ).map((change) => ({
          side,
          path: change.path,
          description: change.detail,
          breaking: isBreaking(change, side),
        })),
      ),
    estimatePrompt: ({ model, messages }) => estimatePrompt({ model, messages, prices }),
  };
}

/** The review's analyses at the built-in list prices. */
export const defaultAnalysis: DocsAnalysis = reviewAnalysis();
