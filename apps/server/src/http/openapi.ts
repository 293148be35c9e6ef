import { z } from "zod";
import {
  batchResultsPageSchema,
  batchResultsQuerySchema,
  batchStatusSchema,
  batchSubmitRequestSchema,
  errorResponseSchema,
  facadeRequestSchema,
  listTemplatesQuerySchema,
  renderRequestSchema,
  renderResponseSchema,
  runRequestSchema,
  runResponseSchema,
  templateDetailSchema,
  templateListSchema,
  templateVersionSchema,
} from "./schemas.js";

type JsonObject = Record<string, unknown>;

const json = (schema: z.ZodType, io: "input" | "output" = "output"): JsonObject =>
  z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonObject;

function errorResponses(codes: Record<number, string>): JsonObject {
  return Object.fromEntries(
    Object.entries(codes).map(([status, description]) => [
      status,
      { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    ]),
  );
}

const COMMON_ERRORS = {
  400: "Malformed request (invalid_path: a percent-escape in the path that does not decode).",
  401: "Signature missing or invalid (code says why: missing_headers, unknown_key, stale_timestamp, replayed_nonce, signature_mismatch).",
  408: "The body did not arrive within the body deadline (body_timeout).",
  413: "Body over the size limit (refused unread when Content-Length says so).",
  429: "Client rate limit exceeded (rate_limited) or its nonce space full (nonce_capacity_exceeded); see Retry-After.",
};

/** Endpoints that take a JSON body also refuse other content types. */
const BODY_ERRORS = {
  ...COMMON_ERRORS,
  415: "The body is not declared as UTF-8 JSON (unsupported_content_type), or is compressed (unsupported_encoding).",
};

/** Every batch endpoint may answer these. */
const BATCH_ERRORS = {
  404: "No batch with this id for this client (batch_not_found), or an item's template unknown.",
  501: "The service has no REDIS_URL, so no batches (batches_not_configured).",
  503: "The batch queue is full (batch_limit_exceeded, Retry-After).",
};

const batchIdParameter = {
  name: "id",
  in: "path",
  required: true,
  description: "The batch id from POST /v1/batches.",
  schema: { type: "string" },
};

function queryParameters(schema: z.ZodObject): JsonObject[] {
  const properties = (json(schema, "input").properties ?? {}) as Record<string, JsonObject>;
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: "query",
    required: false,
    description: property.description,
    schema: property,
  }));
}

/**
 * OpenAPI 3.1 assembled from the zod schemas the routes validate with, so the document cannot drift from the
 * code. JSON Schema 2020-12 is OpenAPI 3.1's schema dialect, which `z.toJSONSchema` emits.
 */
export function buildOpenApiDocument({ version = "0.1.0" }: { version?: string } = {}): JsonObject {
  const signed = [{ promptregSignature: [] }];
  const templateIdParameter = {
    name: "id",
    in: "path",
    required: true,
    description:
      "Template id; its slashes are part of the path (e.g. support/summarize-ticket), not encoded.",
    schema: { type: "string" },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "promptreg service",
      version,
      description:
        "Renders and runs versioned prompt templates by reference. Every /v1 request is signed with HMAC-SHA256 " +
        "(headers X-Promptreg-Key, X-Promptreg-Timestamp, X-Promptreg-Nonce, X-Promptreg-Signature; see docs/security.md).",
    },
    components: {
      securitySchemes: {
        promptregSignature: {
          type: "apiKey",
          in: "header",
          name: "X-Promptreg-Signature",
          description:
            "v1=<hex HMAC-SHA256> over method, path and query, timestamp, nonce and body hash; with X-Promptreg-Key, X-Promptreg-Timestamp and X-Promptreg-Nonce.",
        },
      },
      schemas: {
        Error: json(errorResponseSchema),
        RenderRequest: json(renderRequestSchema, "input"),
        RenderResponse: json(renderResponseSchema),
        RunRequest: json(runRequestSchema, "input"),
        RunResponse: json(runResponseSchema),
        TemplateList: json(templateListSchema),
        TemplateDetail: json(templateDetailSchema),
        TemplateVersion: json(templateVersionSchema),
        ChatCompletionRequest: json(facadeRequestSchema, "input"),
        BatchRequest: json(batchSubmitRequestSchema, "input"),
        BatchStatus: json(batchStatusSchema),
        BatchResultsPage: json(batchResultsPageSchema),
      },
    },
    paths: {
      "/healthz": { get: { summary: "Liveness", responses: { 200: { description: "The process is up." } } } },
      "/readyz": {
        get: {
          summary: "Readiness: registry loaded, gateway configured, not draining",
          responses: {
            200: { description: "Ready." },
            503: { description: "Not ready; body lists the checks." },
          },
        },
      },
      "/metrics": {
        get: {
          summary: "Prometheus metrics",
          responses: { 200: { description: "Text exposition format." } },
        },
      },
      "/openapi.json": {
        get: { summary: "This document", responses: { 200: { description: "OpenAPI 3.1." } } },
      },
      "/v1/batches": {
        post: {
          summary: "Submit a batch of runs (needs REDIS_URL; see docs/batches.md)",
          security: signed,
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/BatchRequest" } } },
          },
          responses: {
            202: {
              description: "Queued; `Location` names the batch.",
              content: { "application/json": { schema: { $ref: "#/components/schemas/BatchStatus" } } },
            },
            ...errorResponses({
              ...BODY_ERRORS,
              ...BATCH_ERRORS,
              404: "An item's template is unknown or outside the client's allow-list (details.path names the item).",
              413: "Body over PROMPTREG_BATCH_BODY_LIMIT_BYTES, or a batch budget exceeded (batch_limit_exceeded).",
              422: "A cost dimension the client did not declare (dimension_not_allowed).",
            }),
          },
        },
      },
      "/v1/batches/{id}": {
        get: {
          summary: "A batch's status: counts, progress, timings, tokens and cost so far",
          security: signed,
          parameters: [batchIdParameter],
          responses: {
            200: {
              description: "The status.",
              content: { "application/json": { schema: { $ref: "#/components/schemas/BatchStatus" } } },
            },
            ...errorResponses({ ...COMMON_ERRORS, ...BATCH_ERRORS }),
          },
        },
        delete: {
          summary: "Cancel the items not started; running items finish",
          security: signed,
          parameters: [batchIdParameter],
          responses: {
            200: {
              description: "The status after the cancel.",
              content: { "application/json": { schema: { $ref: "#/components/schemas/BatchStatus" } } },
            },
            ...errorResponses({ ...COMMON_ERRORS, ...BATCH_ERRORS }),
          },
        },
      },
      "/v1/batches/{id}/results": {
        get: {
          summary: "Item results in order: paged JSON, or NDJSON with Accept: application/x-ndjson",
          security: signed,
          parameters: [batchIdParameter, ...queryParameters(batchResultsQuerySchema)],
          responses: {
            200: {
              description: "A page of results (JSON), or every result, one per line (NDJSON).",
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/BatchResultsPage" } },
                "application/x-ndjson": { schema: { type: "string" } },
              },
            },
            ...errorResponses({
              ...COMMON_ERRORS,
              400: "A cursor this service did not hand out (invalid_cursor).",
              ...BATCH_ERRORS,
            }),
          },
        },
      },
      "/v1/templates": {
        get: {
          summary: "List templates (filter by tag, owner, status, prefix; cursor-paginated)",
          security: signed,
          parameters: queryParameters(listTemplatesQuerySchema),
          responses: {
            200: {
              description: "A page of templates.",
              content: { "application/json": { schema: { $ref: "#/components/schemas/TemplateList" } } },
            },
            ...errorResponses({ ...COMMON_ERRORS, 400: "Bad query parameter or path." }),
          },
        },
      },
      "/v1/templates/{id}": {
        get: {
          summary: "One template: versions, labels and the current definition",
          security: signed,
          parameters: [templateIdParameter],
          responses: {
            200: {
              description: "The template.",
              content: { "application/json": { schema: { $ref: "#/components/schemas/TemplateDetail" } } },
            },
            ...errorResponses({
              404: "Unknown id, or one outside the client's allow-list (answered alike).",
              ...COMMON_ERRORS,
            }),
          },
        },
      },
      "/v1/templates/{id}/versions/{version}": {
        get: {
          summary: "One exact version: messages, input and output JSON Schemas, examples",
          security: signed,
          parameters: [
            templateIdParameter,
            { name: "version", in: "path", required: true, schema: { type: "string" } },
          ],
          responses: {
            200: {
              description: "The version.",
              content: { "application/json": { schema: { $ref: "#/components/schemas/TemplateVersion" } } },
            },
            ...errorResponses({
              404: "Unknown id or version, or an id outside the client's allow-list (answered alike).",
              ...COMMON_ERRORS,
            }),
          },
        },
      },
      "/v1/bundle": {
        get: {
          summary:
            "The registry as a promptreg-bundle@1 document, for rendering in-process (@promptreg/embedded)",
          description:
            "Only the templates the client may use, their labels and the partials they include. Strong `ETag`: the " +
            "bundle's content hash (templates, labels, partials; not `createdAt`); send it back in `If-None-Match` " +
            "and an unchanged registry answers 304 with no body. Verify the per-version hashes before use " +
            "(loadRegistryFromBundle does).",
          security: signed,
          parameters: [{ name: "If-None-Match", in: "header", required: false, schema: { type: "string" } }],
          responses: {
            200: {
              description: "The bundle (`format`, `createdAt`, `templates`, `labels`, `partials`).",
              headers: { ETag: { schema: { type: "string" } } },
              content: { "application/json": { schema: { type: "object" } } },
            },
            304: { description: "Not modified: the ETag in If-None-Match is current." },
            ...errorResponses({ ...COMMON_ERRORS }),
          },
        },
      },
      "/v1/types": {
        get: {
          summary:
            "TypeScript types of every template reference the client may use (`promptreg types` writes them)",
          description:
            "The generated `TemplateMap` (input and output type per exact version, label, major `^N` and latest), " +
            "as `promptreg build` writes it, restricted to the client's allow-list. A label is typed from the version " +
            "it points at now. Strong `ETag` (SHA-256 of the text); `If-None-Match` with the current one answers 304.",
          security: signed,
          parameters: [
            {
              name: "If-None-Match",
              in: "header",
              required: false,
              description: "The ETag of the copy the caller holds.",
              schema: { type: "string" },
            },
          ],
          responses: {
            200: {
              description: "The TypeScript declarations.",
              headers: {
                ETag: { description: "Strong entity tag of this text.", schema: { type: "string" } },
              },
              content: { "text/plain": { schema: { type: "string" } } },
            },
            304: { description: "The caller's copy (If-None-Match) is current." },
            ...errorResponses({
              ...COMMON_ERRORS,
              503: "The template registry has not loaded yet (not_ready).",
            }),
          },
        },
      },
      "/v1/render": {
        post: {
          summary: "Render a template reference with an input",
          security: signed,
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/RenderRequest" } } },
          },
          responses: {
            200: {
              description: "Rendered messages.",
              content: { "application/json": { schema: { $ref: "#/components/schemas/RenderResponse" } } },
            },
            ...errorResponses({
              ...BODY_ERRORS,
              400: "Malformed body, reference or path.",
              404: "Unknown id, version or label, or an id outside the client's allow-list (answered alike).",
              422: "Input fails the template's input schema; details.issues lists every failing path.",
            }),
          },
        },
      },
      "/v1/run": {
        post: {
          summary: "Render and call the model; validated output. stream: true answers Server-Sent Events",
          description:
            "SSE events: `delta` {text}, `repair` {attempt, reason}, `final` (same body as the JSON response), `error` (the error shape). " +
            "Errors before the first token are ordinary JSON errors.",
          security: signed,
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/RunRequest" } } },
          },
          responses: {
            200: {
              description: "Run result, or an event stream when stream is true.",
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/RunResponse" } },
                "text/event-stream": { schema: { type: "string" } },
              },
            },
            ...errorResponses({
              ...BODY_ERRORS,
              400: "Malformed body, reference or path.",
              404: "Unknown id, version or label, or an id outside the client's allow-list (answered alike).",
              422: "Input fails the template's input schema.",
              502: "Gateway failure, or output still invalid after repair (code output_invalid).",
              503: "Gateway unavailable or rate limited; see Retry-After.",
              504: "Gateway or request timeout.",
            }),
          },
        },
      },
      "/v1/chat/completions": {
        post: {
          summary:
            "OpenAI-compatible facade: model = template:<ref>, input in `input` or metadata.promptreg_input",
          security: signed,
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/ChatCompletionRequest" } },
            },
          },
          responses: {
            200: {
              description:
                "An OpenAI chat.completion (or chat.completion.chunk stream) with a `promptreg` extension.",
            },
            ...errorResponses({
              ...BODY_ERRORS,
              400: "Bad request.",
              404: "Unknown template.",
              422: "Invalid input.",
              502: "Upstream failure.",
            }),
          },
        },
      },
      "/v1/stats": {
        get: {
          summary:
            "Dashboard summary: latency percentiles, error rates (1 and 5 min), tokens and cost by template and by business dimension, provider mix",
          security: signed,
          responses: { 200: { description: "Stats." }, ...errorResponses(COMMON_ERRORS) },
        },
      },
    },
  };
}
