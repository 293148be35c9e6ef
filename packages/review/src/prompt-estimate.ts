import { costFromPriceTable, DEFAULT_PRICE_TABLE, type PriceTable } from "@promptreg/gateway";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";

/** Estimated size and price of one rendered prompt. */
export interface PromptEstimate {
  promptTokens: number;
  /** USD for the prompt tokens; null when the model has no price in the table. */
  costUsd: number | null;
}

// OpenAI's documented chat framing: each message costs its content plus about 3 tokens, and the reply is primed
// with 3 more. Other providers frame differently; the figure is an estimate for comparing two versions.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_REPLY = 3;

/**
 * Estimates prompt tokens with a real BPE tokenizer (gpt-tokenizer, o200k_base: the encoding of gpt-4o and later;
 * for other providers' models it is an approximation) and the prompt's price from `prices` (USD per 1M tokens).
 * Never calls a model.
 */
export function estimatePrompt(options: {
  model: string;
  messages: readonly { role: string; content: string }[];
  prices: PriceTable;
}): PromptEstimate {
  const { model, messages, prices } = options;
  let promptTokens = TOKENS_PER_REPLY;
  for (const message of messages) promptTokens += TOKENS_PER_MESSAGE + countTokens(message.content);
  const cost = costFromPriceTable(prices, model, {
    promptTokens,
    completionTokens: 0,
    totalTokens: promptTokens,
  });
  return { promptTokens, costUsd: cost ?? null };
}

/**
 * The price table a review uses: the gateway's built-in list prices, overridden and extended by the repository's
 * `prices` in promptreg.config.yaml (the place to keep the prices of the models your templates use).
 */
export function reviewPriceTable(repositoryPrices: PriceTable = {}): PriceTable {
  return { ...DEFAULT_PRICE_TABLE, ...repositoryPrices };
}
