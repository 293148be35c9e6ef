import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./openapi.js";

describe("buildOpenApiDocument", () => {
  const doc = buildOpenApiDocument() as {
    openapi: string;
    paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
  };

  it("is OpenAPI 3.1 and documents every endpoint the app serves", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        "/healthz",
        "/metrics",
        "/openapi.json",
        "/readyz",
        "/v1/batches",
        "/v1/batches/{id}",
        "/v1/batches/{id}/results",
        "/v1/bundle",
        "/v1/chat/completions",
        "/v1/render",
        "/v1/run",
        "/v1/stats",
        "/v1/templates",
        "/v1/templates/{id}",
        "/v1/templates/{id}/versions/{version}",
        "/v1/types",
      ].sort(),
    );
  });

  it("derives request bodies and query parameters from the route zod schemas", () => {
    expect(doc.components.schemas.RunRequest?.properties).toHaveProperty("stream");
    expect(doc.components.schemas.RunRequest?.required).toEqual(["ref"]);
    expect(doc.components.schemas.Error?.properties).toHaveProperty("error");
    const names = doc.paths["/v1/templates"]?.get?.parameters?.map((p) => p.name);
    expect(names).toEqual(["tag", "owner", "status", "prefix", "limit", "cursor"]);
    expect(JSON.stringify(doc)).not.toContain("undefined");
  });
});
