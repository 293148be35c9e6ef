import type { Registry, TemplateRef, TemplateVersion } from "@promptreg/registry";
import type { Renderer, RenderResult } from "@promptreg/renderer";

/** One render: the version resolved once by `pipeline.resolve`, and its input. */
export interface RenderRequest {
  version: TemplateVersion;
  input: unknown;
}

export interface RenderPipelineOptions {
  /** Where references resolve; a loaded registry is immutable, so a version resolved once stays valid. */
  registry: Pick<Registry, "resolve">;
  renderer: Pick<Renderer, "renderVersion">;
}

/**
 * The render-only entry of the pipeline: the first two steps of every run (resolve once, validate and render the
 * carried version) without a model call, so `POST /v1/render` needs no gateway and shares the run's steps.
 */
export interface RenderPipeline {
  /**
   * Resolves a reference once; the adapter keeps the `TemplateVersion` (logs, authorisation) and hands it on.
   * Throws the registry's `TemplateNotFoundError` / `InvalidReferenceError`.
   */
  resolve(ref: string | TemplateRef): TemplateVersion;
  /**
   * Validates the input against the version's compiled schema and renders its messages. Throws the renderer's
   * `InputValidationError` / `MissingVariableError` / `RenderError`.
   */
  render(request: RenderRequest): RenderResult;
}

export function createRenderPipeline({ registry, renderer }: RenderPipelineOptions): RenderPipeline {
  return {
    resolve: (ref) => registry.resolve(ref),
    render: (request) => renderer.renderVersion(request.version, request.input),
  };
}
