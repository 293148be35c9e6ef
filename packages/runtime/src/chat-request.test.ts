import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer, type Renderer } from "@promptreg/renderer";
import { beforeAll, describe, expect, it } from "vitest";
import { buildChatRequest, repairMessages } from "./chat-request.js";

let renderer: Renderer;
beforeAll(async () => {
  renderer = createRenderer({
    registry: await loadRegistryFromDir(new URL("./__fixtures__/templates/", import.meta.url).pathname),
  });
});

describe("buildChatRequest", () => {
  it("passes params, fallbacks and the output schema as a strict json_schema response format", () => {
    const rendered = renderer.render("support/summarize@1.0.0", { ticket: "x" });
    expect(buildChatRequest(rendered)).toMatchObject({
      model: "openai/gpt-4o-mini",
      temperature: 0.2,
      max_tokens: 200,
      fallbacks: ["anthropic/claude-3-5-haiku"],
      response_format: {
        type: "json_schema",
        json_schema: { name: "support_summarize", strict: true, schema: rendered.outputSchema },
      },
    });
  });

  it("sends no response format and no fallbacks for a plain-text template", () => {
    const request = buildChatRequest(renderer.render("support/greet", { name: "A" }));
    expect(request).not.toHaveProperty("response_format");
    expect(request).not.toHaveProperty("fallbacks");
  });
});

describe("repairMessages", () => {
  it("appends the failed reply and the problem after the conversation so far", () => {
    const messages = repairMessages({
      messages: [{ role: "user", content: "q" }],
      reply: "{bad",
      problem: "invalid JSON at line 1",
    });
    expect(messages.slice(0, 2)).toEqual([
      { role: "user", content: "q" },
      { role: "assistant", content: "{bad" },
    ]);
    expect(messages[2]?.role).toBe("user");
    expect(String(messages[2]?.content)).toContain("invalid JSON at line 1");
  });
});
