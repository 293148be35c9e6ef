import type { TokenUsage } from "./types.js";

/** USD per one million tokens. `cachedInput` applies to `cachedPromptTokens` when the provider reports them. */
export interface ModelPrice {
  input: number;
  output: number;
  cachedInput?: number;
}

/** Keys are model names as sent (`provider/model`); a key without a provider prefix matches any provider. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * List prices (USD per 1M tokens) of a few common models, taken from the providers' pricing pages in 2025. They are
 * a fallback for gateways that do not report `usage.cost`; pass your own `priceTable` for exact billing.
 */
export const DEFAULT_PRICE_TABLE: PriceTable = {
  "openai/gpt-4o": { input: 2.5, output: 10, cachedInput: 1.25 },
  "openai/gpt-4o-mini": { input: 0.15, output: 0.6, cachedInput: 0.075 },
  "openai/gpt-4.1": { input: 2, output: 8, cachedInput: 0.5 },
  "openai/gpt-4.1-mini": { input: 0.4, output: 1.6, cachedInput: 0.1 },
  "anthropic/claude-3-5-haiku": { input: 0.8, output: 4, cachedInput: 0.08 },
  "anthropic/claude-sonnet-4": { input: 3, output: 15, cachedInput: 0.3 },
  "google/gemini-2.0-flash": { input: 0.1, output: 0.4, cachedInput: 0.025 },
};

/** Looks the model up by full name, then without its provider prefix; undefined when unknown. */
export function priceFor(table: PriceTable, model: string): ModelPrice | undefined {
  const exact = table[model];
  if (exact) return exact;
  const slash = model.indexOf("/");
  return slash === -1 ? undefined : table[model.slice(slash + 1)];
}

/** cost = (uncachedPrompt * input + cachedPrompt * cachedInput + completion * output) / 1e6 */
export function costFromPriceTable(table: PriceTable, model: string, usage: TokenUsage): number | undefined {
  const price = priceFor(table, model);
  if (!price) return undefined;
  const cached = Math.min(usage.cachedPromptTokens ?? 0, usage.promptTokens);
  const cachedRate = price.cachedInput ?? price.input;
  return (
    ((usage.promptTokens - cached) * price.input +
      cached * cachedRate +
      usage.completionTokens * price.output) /
    1e6
  );
}
