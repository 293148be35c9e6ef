import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitTemplatePath } from "../src/logic/template-views.js";
import { fixtureRegistry, startTestServer, type TestServer } from "./harness.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ registry: await fixtureRegistry() });
});
afterAll(async () => {
  await server.close();
});

const ERROR_TYPES = ["invalid_request", "not_found", "validation_error"];

describe("the HTTP boundary never crashes on caller input", () => {
  it("any signed JSON body to /v1/render answers 2xx or a typed 4xx error, never 5xx", {
    timeout: 60_000,
  }, async () => {
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({
        ref: fc.oneof(
          fc.string(),
          fc.constantFrom("support/greet", "support/summarize@production", "x@", "@", "a/b@^"),
        ),
        input: fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue())),
      }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const response = await server.signed("/v1/render", { rawBody: JSON.stringify(value) ?? "null" });
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          const payload = (await response.json()) as {
            error: { type: string; code: string; requestId: string };
          };
          expect(ERROR_TYPES).toContain(payload.error.type);
          expect(payload.error.requestId).toBe(response.headers.get("x-request-id"));
        } else {
          await response.arrayBuffer();
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("splitTemplatePath", () => {
  it("splits /versions/<v> off a known id and keeps ids that merely contain 'versions'", () => {
    const segment = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), segment, (idSegments, version) => {
        const id = idSegments.join("/");
        expect(
          splitTemplatePath([...idSegments, "versions", version], (candidate) => candidate === id),
        ).toEqual({
          id,
          version,
        });
        expect(splitTemplatePath(idSegments, (candidate) => candidate === id)).toEqual({ id });
        const tricky = `${id}/versions/${version}`;
        expect(
          splitTemplatePath([...idSegments, "versions", version], (candidate) => candidate === tricky),
        ).toEqual({
          id: tricky,
        });
      }),
    );
  });
});
