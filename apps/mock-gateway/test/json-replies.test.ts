import { describe, expect, it } from "vitest";
import { z } from "zod";
import { chat, parseChunks, sseData, startGateway } from "./helpers.js";

const schema = {
  type: "object",
  properties: {
    sentiment: { type: "string", enum: ["positive", "negative"] },
    score: { type: "number", minimum: 0, maximum: 1 },
    summary: { type: "string", maxLength: 20 },
    tags: { type: "array", items: { type: "string" }, minItems: 2 },
  },
  required: ["sentiment", "score", "summary", "tags"],
  additionalProperties: false,
};

const responseFormat = { type: "json_schema", json_schema: { name: "review", strict: true, schema } };

describe("JSON replies", () => {
  it("json_schema: the content parses and satisfies the schema", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, { text: "great product", body: { response_format: responseFormat } });
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    const value = JSON.parse(body.choices[0]!.message.content);
    expect(z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(value).success).toBe(
      true,
    );
    expect(value).toEqual({
      sentiment: "positive",
      score: 0,
      summary: "Echo: great product",
      tags: ["Echo: great product", "Echo: great product"],
    });
  });

  it("json_schema streamed: the chunks rejoin to the same JSON", async () => {
    const gateway = await startGateway();
    const plain = await chat(gateway, { text: "ok", body: { response_format: responseFormat } });
    const expected = ((await plain.json()) as { choices: { message: { content: string } }[] }).choices[0]!
      .message.content;
    const res = await chat(gateway, { text: "ok", stream: true, body: { response_format: responseFormat } });
    const chunks = parseChunks(sseData(await res.text()));
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe(expected);
    expect(chunks.length - 1).toBeGreaterThanOrEqual(4);
  });

  it("json_object: an object carrying the echo", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, { text: "hi", body: { response_format: { type: "json_object" } } });
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(JSON.parse(body.choices[0]!.message.content)).toEqual({ echo: "Echo: hi" });
  });

  it("json_schema without a schema is a 400 naming the field", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, {
      body: { response_format: { type: "json_schema", json_schema: { name: "x" } } },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: "response_format.json_schema.schema" } });
  });
});

describe("JSON replies the mock refuses", () => {
  it("a schema asking for a huge reply is a 400, not a hang", async () => {
    const gateway = await startGateway();
    const res = await chat(gateway, {
      body: {
        response_format: {
          type: "json_schema",
          json_schema: {
            name: "big",
            schema: { type: "array", items: { type: "number" }, minItems: 50_000_000 },
          },
        },
      },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { param: "response_format.json_schema.schema", code: "invalid_reply_schema" },
    });
  });
});
