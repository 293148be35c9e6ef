/**
 * The `model.params` names each provider family accepts through an OpenAI-compatible gateway (OpenRouter, AI Stats),
 * from the providers' API references as of 2025: OpenAI Chat Completions, Anthropic Messages, Google Gemini
 * `generationConfig`, Mistral chat completions, and OpenRouter's unified parameters for open models. The registry
 * type-checks the common ones and refuses reserved keys (`model`, `messages`, `stream`, `fallbacks`); this table
 * is what the `model_param_unknown` and `model_param_unsupported` rules check names and ranges against. A name that
 * is missing here but real can be allowed per repository (`rules.model_param_unknown.allow`).
 */
export const PROVIDER_FAMILIES = ["openai", "anthropic", "google", "mistral"] as const;
export type ProviderFamily = (typeof PROVIDER_FAMILIES)[number];

interface ParamSpec {
  /** Families that accept the parameter; `all` includes providers not listed in PROVIDER_FAMILIES. */
  families: readonly ProviderFamily[] | "all";
  /** Inclusive numeric range per family, where providers differ from the registry's generic check. */
  ranges?: Partial<Record<ProviderFamily, readonly [number, number]>>;
}

const ALL = "all" as const;
const OPENAI_ONLY: readonly ProviderFamily[] = ["openai"];
const PENALTIES: readonly ProviderFamily[] = ["openai", "google", "mistral"];

export const MODEL_PARAMS: Readonly<Record<string, ParamSpec>> = {
  temperature: {
    families: ALL,
    ranges: { openai: [0, 2], anthropic: [0, 1], google: [0, 2], mistral: [0, 1.5] },
  },
  top_p: { families: ALL, ranges: { openai: [0, 1], anthropic: [0, 1], google: [0, 1], mistral: [0, 1] } },
  top_k: { families: ["anthropic", "google"] },
  max_tokens: { families: ALL },
  max_completion_tokens: { families: OPENAI_ONLY },
  stop: { families: ALL },
  seed: { families: ["openai", "google", "mistral"] },
  presence_penalty: { families: PENALTIES },
  frequency_penalty: { families: PENALTIES },
  logit_bias: { families: OPENAI_ONLY },
  logprobs: { families: ["openai", "google"] },
  top_logprobs: { families: OPENAI_ONLY },
  n: { families: ["openai", "google"] },
  response_format: { families: ALL },
  tools: { families: ALL },
  tool_choice: { families: ALL },
  parallel_tool_calls: { families: ["openai", "anthropic", "mistral"] },
  reasoning_effort: { families: OPENAI_ONLY },
  reasoning: { families: ALL },
  verbosity: { families: OPENAI_ONLY },
  service_tier: { families: ["openai", "anthropic"] },
  metadata: { families: ["openai", "anthropic"] },
  store: { families: OPENAI_ONLY },
  user: { families: OPENAI_ONLY },
  safe_prompt: { families: ["mistral"] },
  // OpenRouter's sampling extras for open-weight models (Llama, Qwen, DeepSeek, ...): no listed family takes them.
  repetition_penalty: { families: [] },
  min_p: { families: [] },
  top_a: { families: [] },
};

const FAMILY_OF_PREFIX: Readonly<Record<string, ProviderFamily>> = {
  openai: "openai",
  anthropic: "anthropic",
  google: "google",
  mistral: "mistral",
  mistralai: "mistral",
};

/** The family of a `provider/model` name, or undefined for providers this table does not describe. */
export function providerFamily(model: string): ProviderFamily | undefined {
  const slash = model.indexOf("/");
  return slash === -1 ? undefined : FAMILY_OF_PREFIX[model.slice(0, slash)];
}

export type ParamVerdict =
  | { kind: "ok" }
  | { kind: "unknown" }
  | { kind: "unsupported"; family: ProviderFamily; supportedBy: ProviderFamily[] }
  | { kind: "out_of_range"; family: ProviderFamily; range: readonly [number, number] };

/** Whether `name: value` is a parameter the model's provider family accepts. */
export function checkModelParam(options: { model: string; name: string; value: unknown }): ParamVerdict {
  const spec = MODEL_PARAMS[options.name];
  if (!Object.hasOwn(MODEL_PARAMS, options.name) || spec === undefined) return { kind: "unknown" };
  const family = providerFamily(options.model);
  if (family === undefined) return { kind: "ok" };
  if (spec.families !== ALL && !spec.families.includes(family)) {
    return { kind: "unsupported", family, supportedBy: [...spec.families] };
  }
  const range = spec.ranges?.[family];
  if (range && typeof options.value === "number" && (options.value < range[0] || options.value > range[1])) {
    return { kind: "out_of_range", family, range };
  }
  return { kind: "ok" };
}
