import { contentText } from "./echo-text.js";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** USD, only when cost reporting is on (header `x-mock-cost: on` or option `cost: true`). */
  cost?: number;
}

/** Prices the mock charges when cost reporting is on: USD per token. */
export const MOCK_PRICE = { prompt: 0.000_001, completion: 0.000_002 } as const;

/** Token counts approximated as ceil(characters / 4), the usual rule of thumb for English text. */
export function computeUsage({
  messages,
  reply,
  withCost,
}: {
  messages: readonly { content?: unknown }[];
  reply: string;
  withCost: boolean;
}): Usage {
  let chars = 0;
  for (const message of messages) chars += contentText(message.content).length;
  const prompt = Math.ceil(chars / 4);
  const completion = Math.ceil(reply.length / 4);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (withCost) {
    // Rounded to whole nano-dollars so sums in tests are exact enough to compare.
    usage.cost = Math.round((prompt * MOCK_PRICE.prompt + completion * MOCK_PRICE.completion) * 1e9) / 1e9;
  }
  return usage;
}
