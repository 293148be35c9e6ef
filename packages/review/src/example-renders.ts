import type { PriceTable } from "@promptreg/gateway";
import type { Registry, TemplateVersion } from "@promptreg/registry";
import { createRenderer, type Renderer } from "@promptreg/renderer";
import { estimatePrompt, type PromptEstimate } from "./prompt-estimate.js";
import { lineDiffBlock } from "./text-diff.js";

/** One side of a rendered example. */
export interface RenderedSide extends PromptEstimate {
  /** `id@version` that was rendered. */
  ref: string;
  model: string;
  /** The messages as the model receives them, one `--- role ---` header per message. */
  text: string;
}

/** One example rendered before and after a change. */
export interface ExampleRender {
  example: string;
  before?: RenderedSide;
  after?: RenderedSide;
  /** Why a side could not be rendered (input not valid for the old version, no such example...). */
  beforeError?: string;
  afterError?: string;
  /** A line diff of the two texts (`+`, `-`, ` ` prefixes); empty when they are equal. */
  diff: string;
  /** after - before; null when a side is missing or has no price. */
  tokenDelta: number | null;
  costDeltaUsd: number | null;
}

function renderText(messages: readonly { role: string; content: string }[]): string {
  return messages.map((message) => `--- ${message.role} ---\n${message.content}`).join("\n");
}

function renderSide(options: {
  renderer: Renderer;
  version: TemplateVersion;
  input: Record<string, unknown>;
  prices: PriceTable;
}): { side: RenderedSide } | { error: string } {
  const { renderer, version, input, prices } = options;
  const ref = `${version.id}@${version.version}`;
  try {
    const result = renderer.render(ref, input);
    return {
      side: {
        ref,
        model: result.model,
        text: renderText(result.messages),
        ...estimatePrompt({ model: result.model, messages: result.messages, prices }),
      },
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message.split("\n")[0]! : String(error) };
  }
}

/** Renderers per registry, so one review compiles each template once per revision. */
export class RendererCache {
  private readonly renderers = new Map<Registry, Renderer>();
  get(registry: Registry): Renderer {
    let renderer = this.renderers.get(registry);
    if (!renderer) {
      renderer = createRenderer({ registry });
      this.renderers.set(registry, renderer);
    }
    return renderer;
  }
}

/**
 * Every example of `after` rendered with `after` and with `before` (the version it succeeds, or the same version at
 * the base), so the reviewer reads the prompts themselves. The old side uses the new example's input; when the old
 * version refuses it (a new field), the old version's example of the same name. Rendering runs the registry's
 * strict, isolated Handlebars (built-in helpers only): nothing from the revisions is executed, no model is called.
 */
export function renderExamples(options: {
  before: { registry: Registry; version: TemplateVersion } | undefined;
  after: { registry: Registry; version: TemplateVersion };
  prices: PriceTable;
  renderers: RendererCache;
}): ExampleRender[] {
  const { before, after, prices, renderers } = options;
  const afterRenderer = renderers.get(after.registry);
  const beforeRenderer = before ? renderers.get(before.registry) : undefined;
  return after.version.examples.map((example) => {
    const afterResult = renderSide({
      renderer: afterRenderer,
      version: after.version,
      input: example.input,
      prices,
    });
    let beforeResult: ReturnType<typeof renderSide> | undefined;
    if (before && beforeRenderer) {
      beforeResult = renderSide({
        renderer: beforeRenderer,
        version: before.version,
        input: example.input,
        prices,
      });
      const sameName = before.version.examples.find((candidate) => candidate.name === example.name);
      if ("error" in beforeResult && sameName) {
        beforeResult = renderSide({
          renderer: beforeRenderer,
          version: before.version,
          input: sameName.input,
          prices,
        });
      }
    }
    const beforeSide = beforeResult && "side" in beforeResult ? beforeResult.side : undefined;
    const afterSide = "side" in afterResult ? afterResult.side : undefined;
    const priced = beforeSide?.costUsd != null && afterSide?.costUsd != null;
    return {
      example: example.name,
      ...(beforeSide ? { before: beforeSide } : {}),
      ...(afterSide ? { after: afterSide } : {}),
      ...(beforeResult && "error" in beforeResult ? { beforeError: beforeResult.error } : {}),
      ...("error" in afterResult ? { afterError: afterResult.error } : {}),
      diff:
        beforeSide?.text === afterSide?.text
          ? ""
          : lineDiffBlock({ before: beforeSide?.text ?? "", after: afterSide?.text ?? "" }),
      tokenDelta: beforeSide && afterSide ? afterSide.promptTokens - beforeSide.promptTokens : null,
      costDeltaUsd: priced ? afterSide!.costUsd! - beforeSide!.costUsd! : null,
    };
  });
}
