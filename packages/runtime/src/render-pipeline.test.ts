import { loadRegistryFromDir, type Registry } from "@promptreg/registry";
import { createRenderer, InputValidationError, type Renderer } from "@promptreg/renderer";
import { beforeAll, describe, expect, it } from "vitest";
import { createRenderPipeline } from "./render-pipeline.js";

const FIXTURES = new URL("./__fixtures__/templates/", import.meta.url).pathname;
let registry: Registry;
let renderer: Renderer;
beforeAll(async () => {
  registry = await loadRegistryFromDir(FIXTURES);
  renderer = createRenderer({ registry });
});

describe("createRenderPipeline", () => {
  it("renders the carried version exactly as the renderer renders the reference, with one lookup", () => {
    let lookups = 0;
    const pipeline = createRenderPipeline({
      registry: {
        resolve: (ref) => {
          lookups++;
          return registry.resolve(ref);
        },
      },
      renderer,
    });
    const version = pipeline.resolve("support/greet");
    const rendered = pipeline.render({ version, input: { name: "Ada" } });
    expect(rendered).toEqual(renderer.render("support/greet", { name: "Ada" }));
    expect(rendered.ref).toMatchObject({ id: version.id, version: version.version });
    expect(lookups).toBe(1);
  });

  it("throws the renderer's typed input error", () => {
    const pipeline = createRenderPipeline({ registry, renderer });
    const version = pipeline.resolve("support/summarize@1.0.0");
    let thrown: unknown;
    try {
      pipeline.render({ version, input: { ticket: "" } });
    } catch (error) {
      thrown = error;
    }
    expect(InputValidationError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: "input_invalid", templateId: "support/summarize" });
  });
});
