import { z } from "zod";
import { SERVICE_LIMITS } from "../limits.js";

/** The zod schemas the routes validate with; /openapi.json is generated from these same objects. */

export const templateStatusSchema = z.enum(["draft", "published", "deprecated"]);

export const listTemplatesQuerySchema = z.object({
  tag: z.string().min(1).optional().describe("Only templates carrying this tag."),
  owner: z.string().min(1).optional().describe("Only templates owned by this owner."),
  status: templateStatusSchema.optional().describe("Only templates whose latest version has this status."),
  prefix: z.string().min(1).optional().describe("Only ids starting with this prefix, e.g. `support/`."),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(SERVICE_LIMITS.pageSizeMax)
    .default(50)
    .describe(`Page size, 1..${SERVICE_LIMITS.pageSizeMax}.`),
  cursor: z.string().min(1).optional().describe("`nextCursor` of the previous page."),
});

export const refSchema = z
  .string()
  .min(1)
  .max(SERVICE_LIMITS.referenceMaxChars)
  .describe("Template reference: `id`, `id@1.2.0`, `id@^1`, `id@~1.2`, `id@production` or `id@latest`.");

export const inputSchema = z
  .record(z.string(), z.unknown())
  .default({})
  .describe("Template input; validated against the template's input schema.");

export const renderRequestSchema = z.object({ ref: refSchema, input: inputSchema });

export const dimensionsSchema = z
  .record(z.string().min(1).max(32), z.string().min(1).max(64))
  .refine((dimensions) => Object.keys(dimensions).length <= 8, { message: "at most 8 dimensions" })
  .optional()
  .describe(
    'Business dimensions for cost attribution, e.g. `{ "feature": "search", "customer_tier": "pro" }`: each must be declared for the client with its allowed values (else 422 `dimension_not_allowed`).',
  );

export const runRequestSchema = z.object({
  ref: refSchema,
  input: inputSchema,
  dimensions: dimensionsSchema,
  stream: z.boolean().default(false).describe("Answer with Server-Sent Events (delta, final, error)."),
});

export const errorResponseSchema = z.object({
  error: z.object({
    type: z
      .string()
      .describe("Broad class: invalid_request, authentication_error, not_found, validation_error, ..."),
    code: z
      .string()
      .describe("Precise machine code, e.g. signature_mismatch, template_not_found, input_invalid."),
    message: z.string().describe("What went wrong, where, and how to fix it."),
    details: z.record(z.string(), z.unknown()).optional(),
    requestId: z.string(),
  }),
});

const messageSchema = z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() });
const resolvedRefSchema = z.object({ id: z.string(), version: z.string(), hash: z.string() });

export const renderResponseSchema = z.object({
  ref: resolvedRefSchema,
  messages: z.array(messageSchema),
  model: z.string(),
  params: z.record(z.string(), z.unknown()),
  fallbacks: z.array(z.string()),
  outputSchema: z.record(z.string(), z.unknown()).nullable(),
});

export const usageSchema = z.object({
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
});

export const runResponseSchema = z.object({
  ref: resolvedRefSchema,
  output: z.unknown().describe("Validated JSON when the template has an output schema, else the text."),
  text: z.string().describe("Raw model text of the accepted reply."),
  usage: usageSchema,
  cost: z.number().nullable().describe("USD, summed over repair attempts; null when unknown."),
  latencyMs: z.number(),
  repairs: z.number().int().describe("Re-asks needed to get output matching the schema."),
  metadata: z.record(z.string(), z.unknown()).describe("Provider metadata from the gateway client."),
});

export const templateSummarySchema = z.object({
  id: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  owners: z.array(z.string()),
  status: templateStatusSchema,
  versions: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  latest: z.string().nullable(),
});

export const templateListSchema = z.object({
  data: z.array(templateSummarySchema),
  nextCursor: z.string().nullable(),
});

export const templateVersionSchema = z.object({
  id: z.string(),
  version: z.string(),
  description: z.string(),
  owners: z.array(z.string()),
  tags: z.array(z.string()),
  status: templateStatusSchema,
  changelog: z.string(),
  model: z.object({
    name: z.string(),
    params: z.record(z.string(), z.unknown()),
    fallbacks: z.array(z.string()),
  }),
  messages: z.array(messageSchema),
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()).nullable(),
  examples: z.array(
    z.object({
      name: z.string(),
      description: z.string().optional(),
      input: z.record(z.string(), z.unknown()),
    }),
  ),
  hash: z.string(),
});

export const templateDetailSchema = templateSummarySchema.extend({
  current: templateVersionSchema
    .nullable()
    .describe("The latest version, or the highest one when none is published."),
});

/** The facade's `model` names a template: `template:<ref>`. */
export const FACADE_MODEL_PREFIX = "template:";

/**
 * The OpenAI-compatible request: `model` is `template:<ref>`; the template input travels in `input` (top level,
 * what `extra_body`/unknown fields become), or in `metadata.promptreg_input` as a JSON string (for SDKs that only
 * pass `metadata`). `messages` is accepted for compatibility and ignored: the template owns the prompt.
 */
export const facadeRequestSchema = z.object({
  model: z
    .string()
    .startsWith(
      FACADE_MODEL_PREFIX,
      `must be "${FACADE_MODEL_PREFIX}<template ref>", e.g. "template:support/summarize@production"`,
    )
    .describe('"template:<ref>", e.g. "template:support/summarize-ticket@production".'),
  input: z.record(z.string(), z.unknown()).optional().describe("Template input (top-level field)."),
  dimensions: dimensionsSchema,
  metadata: z
    .object({ promptreg_input: z.string().optional().describe("Template input as a JSON string.") })
    .catchall(z.unknown())
    .optional(),
  messages: z.array(z.unknown()).optional().describe("Ignored: the template renders the messages."),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).catchall(z.unknown()).optional(),
});
