import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { createClient, type RenderResponse, type RunResponse, type StreamEvent } from "../src/index.js";
import type { SupportSummarizeV1_2_0Output, TemplateMap } from "./__fixtures__/templates.js";
import { type FakeService, KEY_ID, RUN_RESULT, SECRET, sendJson, startFakeService } from "./fake-service.js";

// These assertions are checked by `pnpm --filter @promptreg/client typecheck` (tsc over test/): a
// `@ts-expect-error` line that compiles fails the typecheck, so each one proves a call is rejected.

const typed = createClient<TemplateMap>({ baseUrl: "http://127.0.0.1:1", keyId: KEY_ID, secret: SECRET });
const untyped = createClient({ baseUrl: "http://127.0.0.1:1", keyId: KEY_ID, secret: SECRET });

/** Never called: only compiled. */
function compileOnlyChecks() {
  // Known refs with matching input are accepted.
  void typed.run("support/summarize@1.2.0", { ticket: "x" });
  void typed.run("support/summarize@production", { ticket: "x", language: "de" });
  void typed.render("marketing/tagline", { product: "promptreg" });
  typed.stream("support/summarize@^1", { ticket: "x" });

  // @ts-expect-error unknown ref
  void typed.run("support/summarise@1.2.0", { ticket: "x" });
  // @ts-expect-error unknown version of a known id
  void typed.render("support/summarize@9.9.9", { ticket: "x" });
  // @ts-expect-error missing required input field
  void typed.run("support/summarize", {});
  // @ts-expect-error input field of the wrong type
  void typed.run("support/summarize", { ticket: 42 });
  // @ts-expect-error value outside the enum
  void typed.run("support/summarize", { ticket: "x", language: "fr" });
  // @ts-expect-error field of another template
  void typed.render("marketing/tagline", { ticket: "x" });
  // @ts-expect-error unknown field (generated types set additionalProperties: false)
  typed.stream("marketing/tagline", { product: "p", extra: true });

  // Without a type parameter any ref and any object input are accepted...
  void untyped.run("anything/at-all@latest", { whatever: [1, 2, 3] });
  // @ts-expect-error ...but the input must still be an object
  void untyped.run("anything", "not an object");
}

describe("typed refs", () => {
  it("types run output from the TemplateMap", () => {
    expectTypeOf(typed.run<"support/summarize@1.2.0">).returns.resolves.toEqualTypeOf<
      RunResponse<SupportSummarizeV1_2_0Output>
    >();
    expectTypeOf(typed.run<"marketing/tagline">).returns.resolves.toEqualTypeOf<RunResponse<string>>();
    expectTypeOf(typed.render<"marketing/tagline">).returns.resolves.toEqualTypeOf<RenderResponse>();
    expectTypeOf(untyped.run<string>).returns.resolves.toEqualTypeOf<RunResponse<unknown>>();
  });

  it("types the final stream event's output", () => {
    type Events = ReturnType<typeof typed.stream<"support/summarize">>;
    expectTypeOf<Events>().toEqualTypeOf<AsyncIterable<StreamEvent<SupportSummarizeV1_2_0Output>>>();
    expectTypeOf<
      Extract<StreamEvent<SupportSummarizeV1_2_0Output>, { type: "final" }>["output"]
    >().toEqualTypeOf<SupportSummarizeV1_2_0Output>();
  });

  it("restricts refs to the map's keys", () => {
    expectTypeOf<Parameters<typeof typed.run>[0]>().toEqualTypeOf<keyof TemplateMap>();
    expectTypeOf<Parameters<typeof untyped.run>[0]>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<typeof untyped.run>[1]>().toEqualTypeOf<Record<string, unknown>>();
    expect(typeof compileOnlyChecks).toBe("function");
  });
});

describe("typed client at runtime", () => {
  let service: FakeService;
  beforeEach(async () => {
    service = await startFakeService((_call, res) => sendJson(res, 200, RUN_RESULT));
  });
  afterEach(async () => {
    await service.close();
  });

  it("returns the output typed by the map", async () => {
    const client = createClient<TemplateMap>({ baseUrl: service.url, keyId: KEY_ID, secret: SECRET });
    const result = await client.run("support/summarize@1.2.0", { ticket: "Printer is on fire" });
    const priority: "low" | "medium" | "high" = result.output.priority;
    expect(priority).toBe("high");
  });
});
