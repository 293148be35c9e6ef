// Shaped like the output of `promptreg build` (packages/typegen/src/template-types.ts): interfaces, no index signatures.

export interface SupportSummarizeV1_2_0Input {
  ticket: string;
  language?: "en" | "de";
}

export interface SupportSummarizeV1_2_0Output {
  summary: string;
  priority: "low" | "medium" | "high";
}

export interface MarketingTaglineV1_0_0Input {
  product: string;
}

/** Input and output types of every template reference: exact versions, labels, majors (`^N`) and latest. */
export interface TemplateMap {
  "marketing/tagline": { input: MarketingTaglineV1_0_0Input; output: string };
  "marketing/tagline@1.0.0": { input: MarketingTaglineV1_0_0Input; output: string };
  "support/summarize": { input: SupportSummarizeV1_2_0Input; output: SupportSummarizeV1_2_0Output };
  "support/summarize@1.2.0": { input: SupportSummarizeV1_2_0Input; output: SupportSummarizeV1_2_0Output };
  "support/summarize@^1": { input: SupportSummarizeV1_2_0Input; output: SupportSummarizeV1_2_0Output };
  "support/summarize@production": {
    input: SupportSummarizeV1_2_0Input;
    output: SupportSummarizeV1_2_0Output;
  };
}

export type TemplateRefKey = keyof TemplateMap;
