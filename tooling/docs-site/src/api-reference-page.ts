import type { JsonSchema } from "@promptreg/registry";
import { buildOpenApiDocument } from "@promptreg/server";
import { anchorId, escapeHtml, fencedCode, htmlBlock } from "./html.js";
import { schemaRows, schemaTableHtml } from "./schema-table.js";

type JsonObject = Record<string, unknown>;
const asObject = (value: unknown): JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** Follows a local `#/components/...` reference; other schemas are returned as they are. */
function resolveRef(document: JsonObject, schema: unknown): JsonSchema {
  const ref = asObject(schema).$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return asObject(schema);
  return ref
    .slice(2)
    .split("/")
    .reduce<JsonObject>((node, key) => asObject(node[key]), document);
}

function schemaBlock(document: JsonObject, schema: unknown): string[] {
  const resolved = resolveRef(document, schema);
  const name = asObject(schema).$ref ? String(asObject(schema).$ref).split("/").at(-1) : undefined;
  const rows = schemaRows(resolved);
  return rows.length > 0
    ? [schemaTableHtml(rows, name ? { caption: name } : {}), ""]
    : [fencedCode("json", JSON.stringify(resolved, null, 2)), ""];
}

/**
 * The HTTP API reference, generated from the OpenAPI 3.1 document the service serves at `/openapi.json` (itself
 * generated from the zod schemas the routes validate with): every operation with its parameters, request body and
 * responses as tables. Defaults to the service's own document.
 */
export function apiReferencePage(document: JsonObject = buildOpenApiDocument()): string {
  const info = asObject(document.info);
  const lines = [
    "---",
    "title: API reference",
    "---",
    "",
    "# API reference",
    "",
    `Generated at build time from the OpenAPI ${escapeHtml(String(document.openapi ?? ""))} document that the service serves at \`GET /openapi.json\` (version ${escapeHtml(String(info.version ?? ""))}), which the service itself builds from the zod schemas its routes validate with: this page cannot drift from the code. The guide to the API, with examples, errors and streaming, is [API](/api.md); signing is in [security](/security.md).`,
    "",
    htmlBlock("p", {}, escapeHtml(String(info.description ?? ""))),
    "",
  ];
  const paths = asObject(document.paths);
  for (const [route, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = asObject(asObject(item)[method]);
      if (Object.keys(operation).length === 0) continue;
      const title = `${method.toUpperCase()} ${route}`;
      lines.push(`## \`${title}\` {#${anchorId(method, route)}}`, "");
      lines.push(htmlBlock("p", {}, `<strong>${escapeHtml(String(operation.summary ?? ""))}</strong>`), "");
      if (typeof operation.description === "string")
        lines.push(htmlBlock("p", {}, escapeHtml(operation.description)), "");
      lines.push(
        htmlBlock(
          "p",
          {},
          Array.isArray(operation.security) && operation.security.length > 0
            ? "Signed request (X-Promptreg-* headers)."
            : "No signature needed.",
        ),
        "",
      );
      const parameters = Array.isArray(operation.parameters) ? operation.parameters.map(asObject) : [];
      if (parameters.length > 0) {
        const rows = parameters
          .map((parameter) => {
            const schema = asObject(parameter.schema);
            return `<tr><td><code>${escapeHtml(String(parameter.name))}</code></td><td>${escapeHtml(String(parameter.in))}</td><td>${escapeHtml(String(schema.type ?? ""))}</td><td>${parameter.required ? "yes" : "no"}</td><td>${escapeHtml(String(parameter.description ?? schema.description ?? ""))}</td></tr>`;
          })
          .join("");
        lines.push(
          "### Parameters",
          "",
          htmlBlock(
            "table",
            { class: "api-parameters" },
            `<thead><tr><th>name</th><th>in</th><th>type</th><th>required</th><th>description</th></tr></thead><tbody>${rows}</tbody>`,
          ),
          "",
        );
      }
      const body = asObject(asObject(asObject(operation.requestBody).content)["application/json"]).schema;
      if (body) lines.push("### Request body", "", ...schemaBlock(document, body));
      const responses = Object.entries(asObject(operation.responses));
      const responseRows = responses
        .map(([status, response]) => {
          const schema = asObject(
            asObject(asObject(asObject(response).content)["application/json"]).schema,
          ).$ref;
          const shape =
            typeof schema === "string" ? `<code>${escapeHtml(schema.split("/").at(-1)!)}</code>` : "";
          return `<tr><td>${escapeHtml(status)}</td><td>${escapeHtml(String(asObject(response).description ?? ""))}</td><td>${shape}</td></tr>`;
        })
        .join("");
      lines.push(
        "### Responses",
        "",
        htmlBlock(
          "table",
          { class: "api-responses" },
          `<thead><tr><th>status</th><th>meaning</th><th>body</th></tr></thead><tbody>${responseRows}</tbody>`,
        ),
        "",
      );
      const success = responses.find(([status]) => status.startsWith("2"));
      const successSchema = success
        ? asObject(asObject(asObject(success[1]).content)["application/json"]).schema
        : undefined;
      if (successSchema)
        lines.push(
          `Response body (${escapeHtml(success![0])}):`,
          "",
          ...schemaBlock(document, successSchema),
        );
    }
  }
  return `${lines.join("\n")}\n`;
}
