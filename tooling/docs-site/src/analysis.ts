import type { TemplateVersion } from "@promptreg/registry";
import { diffWordsWithSpace } from "diff";

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
 * The analyses the pages use. The diff has a word-level default; the breaking-change classifier and the token
 * estimator are those of `promptreg review` (issue 8) and are optional, so the pages say what they do not know
 * instead of a second, drifting implementation guessing it.
 */
export interface DocsAnalysis {
  diffText: TextDiff;
  classifyChanges?: ChangeClassifier;
  estimatePrompt?: PromptEstimator;
}

/** jsdiff's word diff that keeps whitespace runs as tokens, so line breaks in prompts survive. */
export const wordDiff: TextDiff = (before, after) =>
  diffWordsWithSpace(before, after).map((change) => ({
    kind: change.added ? "added" : change.removed ? "removed" : "same",
    text: change.value,
  }));

export const defaultAnalysis: DocsAnalysis = { diffText: wordDiff };
