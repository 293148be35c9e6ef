import { z } from "zod";
import { MAX_ID_LENGTH } from "./ids.js";
import { SCHEMA_KEYWORDS, SCHEMA_TYPES, STRING_FORMATS } from "./json-schema-subset.js";

const nonEmpty = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .min(1, `${what} must not be empty`);

/**
 * Keys of `model.params` that the service or the gateway client set themselves, with what to write instead. A
 * template setting one would be overridden, or worse: `fallbacks` would become the gateway's fallback chain
 * without the provider/model check of `model.fallbacks`.
 */
export const RESERVED_MODEL_PARAMS: Readonly<Record<string, string>> = Object.freeze({
  model: "name the model in model.name",
  messages: "write the messages in messages or prompt",
  stream: "callers choose streaming (POST /v1/run/stream, client.stream); a template cannot",
  stream_options: "the service asks for streamed usage itself",
  fallbacks: "list fallback models in model.fallbacks, where each is checked as provider/model",
  response_format: "declare an output schema: the service sends it as a strict json_schema response format",
});

/** Known model parameters are typed; any other key is passed through to the gateway untouched. */
export const modelParamsSchema = z.looseObject({
  temperature: z.number().min(0).max(2).optional().describe("Sampling temperature, 0..2."),
  top_p: z.number().min(0).max(1).optional().describe("Nucleus sampling, 0..1."),
  max_tokens: z.int().positive().optional().describe("Upper bound of generated tokens, an integer > 0."),
  stop: z
    .union([z.string(), z.array(z.string()).max(4)])
    .optional()
    .describe("Stop sequence(s)."),
  seed: z.int().optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
});

const modelName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    'model names are "provider/model", e.g. openai/gpt-4o-mini',
  );

export const modelSpecSchema = z.strictObject({
  name: modelName.describe('Gateway model in "provider/model" form, e.g. openai/gpt-4o-mini.'),
  params: modelParamsSchema.optional(),
  fallbacks: z
    .array(modelName)
    .optional()
    .describe("Models tried in order when the primary fails retryably."),
});

export const messageSchema = z.strictObject({
  role: z.enum(["system", "user", "assistant"]),
  content: nonEmpty("message content").describe("Handlebars source; {{> name}} includes a partial."),
});

// The JSON Schema subset described for editors; the loader's own validator (json-schema-subset.ts) is stricter
// (keyword/type consistency, patterns compile, defaults validate) and reports positions.
interface SubsetSchema {
  [keyword: string]: unknown;
}
export const jsonSchemaSubsetSchema: z.ZodType<SubsetSchema> = z.lazy(() =>
  z
    .strictObject({
      type: z.union([z.enum(SCHEMA_TYPES), z.array(z.enum(SCHEMA_TYPES)).min(1)]).optional(),
      properties: z
        .record(
          z.string(),
          z.union([
            jsonSchemaSubsetSchema,
            z
              .string()
              .describe(
                'Shorthand: string, integer, string[], "a|b" (enum) or string|null; a "?" after the name makes it optional.',
              ),
          ]),
        )
        .optional(),
      required: z.array(z.string()).optional(),
      additionalProperties: z
        .boolean()
        .optional()
        .describe("Defaults to false: undeclared properties are rejected."),
      enum: z
        .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
        .min(1)
        .optional(),
      const: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
      items: jsonSchemaSubsetSchema.optional(),
      minItems: z.int().nonnegative().optional(),
      maxItems: z.int().nonnegative().optional(),
      minLength: z.int().nonnegative().optional(),
      maxLength: z.int().nonnegative().optional(),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      exclusiveMinimum: z.number().optional(),
      exclusiveMaximum: z.number().optional(),
      pattern: z.string().optional(),
      format: z.enum(STRING_FORMATS).optional(),
      description: z.string().optional(),
      default: z.unknown().optional(),
      title: z.string().optional(),
    })
    .meta({
      id: "JsonSchemaSubset",
      description:
        "The JSON Schema subset promptreg supports for input and output (objects default to additionalProperties: false).",
    }),
);
// Keep the editor schema and the validator's keyword list in step.
void (SCHEMA_KEYWORDS satisfies readonly string[]);

export const exampleSchema = z.strictObject({
  name: nonEmpty("example name"),
  description: z.string().optional(),
  input: z.record(z.string(), z.unknown()).describe("Must validate against the template's input schema."),
});

/**
 * The shape of one template version file (`templates/<id>/<version>.yaml`). Structural only: the loader adds
 * the cross-field rules (id/version equal the path, messages XOR prompt, examples valid, partials exist).
 */
export const templateFileSchema = z
  .strictObject({
    id: z
      .string()
      .max(MAX_ID_LENGTH)
      .regex(
        /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/,
        "ids are lowercase segments [a-z0-9][a-z0-9-]* joined by /",
      )
      .describe("Must equal the directory path under templates/, e.g. support/summarize-ticket."),
    version: z
      .string({ error: 'version must be a string such as "1.2.0" (quote it if YAML reads it as a number)' })
      .describe("Strict semver; must equal the file name without .yaml."),
    description: nonEmpty("description"),
    owners: z.array(nonEmpty("owner")).min(1, "owners needs at least one entry (a team or e-mail)"),
    tags: z.array(nonEmpty("tag")).optional(),
    status: z.enum(["draft", "published", "deprecated"]).optional().describe("Defaults to draft."),
    changelog: nonEmpty("changelog"),
    model: modelSpecSchema,
    input: jsonSchemaSubsetSchema.describe("JSON Schema subset; root must be type: object."),
    output: jsonSchemaSubsetSchema.optional(),
    messages: z.array(messageSchema).min(1, "messages needs at least one message").optional(),
    prompt: nonEmpty("prompt").optional().describe("Shorthand for a single user message; not with messages."),
    examples: z.array(exampleSchema).optional(),
  })
  .meta({
    title: "promptreg template version (format v1)",
    description:
      "One version of a prompt template: templates/<id>/<version>.yaml. Give either messages or prompt.",
  });

export type TemplateFile = z.infer<typeof templateFileSchema>;

/** The top-level keys a template file may have (unknown keys get a "did you mean" suggestion). */
export const TEMPLATE_FILE_KEYS = Object.keys(templateFileSchema.shape);

/** JSON Schema of the template file format, written to schemas/template.schema.json for editors. */
export function templateFileJsonSchema(): Record<string, unknown> {
  const base = z.toJSONSchema(templateFileSchema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  });
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://promptreg.dev/schemas/template.schema.json",
    ...base,
    oneOf: [{ required: ["messages"] }, { required: ["prompt"] }],
  };
}
