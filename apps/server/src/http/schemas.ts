import { MAX_RESULTS_PAGE } from "@promptreg/batches";
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

export const batchPrioritySchema = z
  .enum(["high", "normal", "low"])
  .describe("Waiting items of a `high` batch are taken before `normal` and `low` ones. Default `normal`.");

export const batchSubmitRequestSchema = z.object({
  items: z
    .array(
      z.object({
        ref: refSchema,
        input: inputSchema,
        metadata: z
          .record(z.string(), z.unknown())
          .optional()
          .describe("Anything the caller wants back with the item's result (a row id)."),
      }),
    )
    .describe("The runs, at most PROMPTREG_BATCH_MAX_ITEMS (default 10,000); results keep this order."),
  priority: batchPrioritySchema.optional(),
  callbackUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional()
    .describe("Called with a signed POST when the batch finishes."),
  dimensions: dimensionsSchema,
});

const batchUsageSchema = z.object({
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number(),
  itemsWithUnknownCost: z.number(),
});

export const batchStatusSchema = z.object({
  id: z.string(),
  status: z.enum(["queued", "running", "completed", "cancelling", "cancelled"]),
  priority: batchPrioritySchema,
  counts: z.object({
    total: z.number(),
    succeeded: z.number(),
    failed: z.number(),
    cancelled: z.number(),
    pending: z.number(),
  }),
  progress: z.number().describe("Finished items over all items, 0..1."),
  timings: z.object({
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
  }),
  usage: batchUsageSchema.describe("Tokens and cost of the finished items so far."),
  dimensions: z
    .record(z.string(), z.string())
    .describe("The business dimensions the usage is attributed to."),
  callbackUrl: z.string().nullable(),
});

export const batchResultsQuerySchema = z.object({
  cursor: z.string().min(1).max(20).optional().describe("`nextCursor` of the previous page."),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_RESULTS_PAGE)
    .default(100)
    .describe(`Items per page, 1..${MAX_RESULTS_PAGE}.`),
});

export const batchItemResultSchema = z
  .object({
    index: z.number(),
    status: z.enum(["succeeded", "failed", "cancelled", "pending"]),
    ref: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    resolved: resolvedRefSchema.optional(),
    output: z.unknown().optional(),
    usage: z
      .object({ promptTokens: z.number(), completionTokens: z.number(), totalTokens: z.number() })
      .optional(),
    cost: z.number().nullable().optional(),
    provider: z.record(z.string(), z.unknown()).optional(),
    error: z
      .object({
        code: z.string(),
        type: z.string(),
        message: z.string(),
        retryable: z.boolean(),
        details: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    attempts: z.number().optional(),
    finishedAt: z.string().optional(),
  })
  .describe("One item: its validated output, usage, cost and provider metadata, or its typed error.");

export const batchResultsPageSchema = z.object({
  items: z.array(batchItemResultSchema),
  nextCursor: z.string().nullable(),
});
