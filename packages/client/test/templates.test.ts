import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClient, InvalidResponseError, NotFoundError } from "../src/index.js";
import { type FakeService, KEY_ID, SECRET, sendJson, startFakeService } from "./fake-service.js";

let service: FakeService;

beforeEach(async () => {
  service = await startFakeService();
});

afterEach(async () => {
  await service.close();
});

const VERSION = {
  id: "support/summarize",
  version: "1.2.0",
  description: "Summarise a ticket.",
  owners: ["support@acme.example"],
  tags: ["support"],
  status: "published",
  changelog: "First.",
  model: { name: "openai/gpt-4o-mini", params: {}, fallbacks: [] },
  messages: [{ role: "user", content: "{{ticket}}" }],
  inputSchema: { type: "object", properties: { ticket: { type: "string" } } },
  outputSchema: null,
  examples: [{ name: "printer", input: { ticket: "Printer on fire" } }],
  hash: "sha256:abc",
};

const client = () => createClient({ baseUrl: service.url, keyId: KEY_ID, secret: SECRET });

describe("template lookups", () => {
  it("getTemplateVersion sends a signed GET with no body to the version path and returns the definition", async () => {
    service.setHandler((_call, res) => sendJson(res, 200, VERSION));
    const version = await client().getTemplateVersion("support/summarize", "1.2.0");
    expect(version.examples[0]?.input).toEqual({ ticket: "Printer on fire" });
    const call = service.calls[0]!;
    expect(call).toMatchObject({
      method: "GET",
      pathAndQuery: "/v1/templates/support/summarize/versions/1.2.0",
    });
    expect(call.rawBody.byteLength).toBe(0);
    expect(call.headers["content-type"]).toBeUndefined();
    expect(call.verify.ok).toBe(true);
  });

  it("getTemplate keeps the id's slashes as path separators and encodes each segment", async () => {
    service.setHandler((_call, res) =>
      sendJson(res, 200, {
        id: "team a/x",
        description: "",
        tags: [],
        owners: [],
        versions: ["1.2.0"],
        labels: { production: "1.2.0" },
        latest: "1.2.0",
        current: VERSION,
      }),
    );
    const details = await client().getTemplate("team a/x");
    expect(details.labels.production).toBe("1.2.0");
    expect(service.calls[0]?.pathAndQuery).toBe("/v1/templates/team%20a/x");
  });

  it("maps a 404 to NotFoundError and a foreign JSON shape to InvalidResponseError", async () => {
    service.setHandler((call, res) =>
      call.pathAndQuery.endsWith("/9.9.9")
        ? sendJson(res, 404, {
            error: { type: "not_found", code: "template_not_found", message: "no 9.9.9", requestId: "r1" },
          })
        : sendJson(res, 200, { hello: "world" }),
    );
    await expect(client().getTemplateVersion("support/summarize", "9.9.9")).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const wrong = await client()
      .getTemplate("support/summarize")
      .catch((error: unknown) => error);
    expect(InvalidResponseError.isInstance(wrong)).toBe(true);
    expect((wrong as Error).message).toContain("GET /v1/templates/support/summarize");
  });
});
