import type { Renderer, RenderResult } from "@promptreg/renderer";

/** A rendered template, as `/v1/render` returns it. */
export type RenderOutput = RenderResult;

/**
 * What the service needs from `@promptreg/renderer`: `render` for `/v1/render` (resolves its string reference
 * through the renderer's cache), `renderVersion` for runs (the run pipeline resolves once and carries the version).
 */
export type RendererPort = Pick<Renderer, "render" | "renderVersion">;
