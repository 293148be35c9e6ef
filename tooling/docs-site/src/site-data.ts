import { loadConfigFile } from "@promptreg/policy";
import {
  loadRegistryFromDir,
  type Registry,
  type TemplateSummary,
  type TemplateVersion,
} from "@promptreg/registry";
import { createRenderer, type RenderedMessage } from "@promptreg/renderer";
import { type DocsAnalysis, defaultAnalysis, type PromptEstimate, reviewAnalysis } from "./analysis.js";

/** One example of a version with its fully rendered messages (or why it could not be rendered). */
export interface ExampleView {
  name: string;
  description?: string;
  input: Record<string, unknown>;
  messages?: RenderedMessage[];
  renderError?: string;
  estimate?: PromptEstimate;
}

export interface VersionView {
  version: TemplateVersion;
  /** Labels pointing at this version. */
  labels: string[];
  examples: ExampleView[];
  /** The version before this one (by semver), whose changes this version's history section shows. */
  previous?: TemplateVersion;
  /** This version's examples rendered with `previous`, so the history can show the rendered prompt diff. */
  examplesOnPrevious?: ExampleView[];
}

export interface TemplateView {
  id: string;
  summary: TemplateSummary;
  labels: Record<string, string>;
  /** Newest first. */
  versions: VersionView[];
  /** The version most callers get: latest published, else the newest. */
  shown: TemplateVersion;
}

export interface SiteData {
  templates: TemplateView[];
  analysis: DocsAnalysis;
}

/** Builds the page data of every template in a registry: versions newest first, examples rendered. */
export function buildSiteData(registry: Registry, analysis: DocsAnalysis = defaultAnalysis): SiteData {
  const renderer = createRenderer({ registry });
  const summaries = new Map(registry.list().map((summary) => [summary.id, summary]));
  const templates = registry.ids().map((id): TemplateView => {
    const summary = summaries.get(id)!;
    const labels = registry.labels(id);
    const ascending = registry.versions(id).map((version) => registry.get(id, version)!);
    const versions = ascending
      .map((version, index): VersionView => {
        const render = (
          target: TemplateVersion,
          example: TemplateVersion["examples"][number],
        ): ExampleView => {
          const view: ExampleView = { name: example.name, input: example.input };
          if (example.description !== undefined) view.description = example.description;
          try {
            view.messages = renderer.render(`${id}@${target.version}`, example.input).messages;
            if (analysis.estimatePrompt) {
              view.estimate = analysis.estimatePrompt({ model: target.model.name, messages: view.messages });
            }
          } catch (error) {
            view.renderError = error instanceof Error ? error.message : String(error);
          }
          return view;
        };
        const view: VersionView = {
          version,
          labels: Object.keys(labels).filter((label) => labels[label] === version.version),
          examples: version.examples.map((example) => render(version, example)),
        };
        const previous = ascending[index - 1];
        if (previous) {
          view.previous = previous;
          view.examplesOnPrevious = version.examples.map((example) => render(previous, example));
        }
        return view;
      })
      .reverse();
    const shown = (summary.latest ? registry.get(id, summary.latest) : undefined) ?? ascending.at(-1)!;
    return { id, summary, labels, versions, shown };
  });
  return { templates, analysis };
}

/**
 * Loads `templatesDir` (throws the registry's RegistryLoadError, with every problem, on an invalid tree). Without an
 * `analysis`, the review's, with the `prices` of the promptreg.config.yaml that `promptreg review` would read from
 * that folder (a bad config file throws the policy's ConfigError, as `validate` would).
 */
export async function loadSiteData(options: {
  templatesDir: string;
  analysis?: DocsAnalysis;
}): Promise<SiteData> {
  const analysis =
    options.analysis ??
    reviewAnalysis({ prices: (await loadConfigFile({ cwd: options.templatesDir })).config.prices });
  return buildSiteData(await loadRegistryFromDir(options.templatesDir), analysis);
}
