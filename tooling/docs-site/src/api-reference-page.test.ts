import { buildOpenApiDocument } from "@promptreg/server";
import { describe, expect, it } from "vitest";
import { apiReferencePage } from "./api-reference-page.js";

describe("API reference page", () => {
  const document = buildOpenApiDocument();
  const page = apiReferencePage(document);

  it("has a section for every operation of /openapi.json, saying whether it must be signed", () => {
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([route, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${route}`),
    );
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const operation of operations) expect(page).toContain(`## \`${operation}\``);
    const render = page.slice(page.indexOf("## `POST /v1/render`"));
    expect(render.slice(0, render.indexOf("\n## "))).toContain("Signed request");
    const health = page.slice(page.indexOf("## `GET /healthz`"));
    expect(health.slice(0, health.indexOf("\n## "))).toContain("No signature needed.");
  });

  it("tables request bodies, parameters and responses from the referenced schemas", () => {
    const render = page.slice(page.indexOf("## `POST /v1/render`"));
    const section = render.slice(0, render.indexOf("\n## "));
    expect(section).toContain("<caption>RenderRequest</caption>");
    expect(section).toContain("<code>ref</code>");
    expect(section).toContain("<tr><td>422</td>");
    const list = page.slice(page.indexOf("## `GET /v1/templates`"));
    expect(list.slice(0, list.indexOf("\n## "))).toContain("<td><code>cursor</code></td><td>query</td>");
  });
});
