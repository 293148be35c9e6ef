import { createHash } from "node:crypto";
import type { JsonSchema, Registry, TemplateMessage, TemplateVersion } from "@promptreg/registry";
import { z } from "zod";

/**
 * Builds TemplateVersion objects for tests without the registry loader: the input schema is a zod schema
 * compiled by the test itself, the JSON Schema twin is optional.
 */
export function makeVersion(options: {
  id?: string;
  version?: string;
  messages: TemplateMessage[];
  input?: z.ZodType;
  inputSchema?: JsonSchema;
  output?: z.ZodType;
  outputSchema?: JsonSchema;
  partials?: Record<string, string>;
}): TemplateVersion {
  const id = options.id ?? "test/template";
  const version = options.version ?? "1.0.0";
  const input = options.input ?? z.object({});
  const inputSchema = options.inputSchema ?? jsonSchemaOf(input);
  const hash = `sha256:${createHash("sha256")
    .update(
      JSON.stringify({
        id,
        version,
        messages: options.messages,
        inputSchema,
        partials: options.partials ?? {},
      }),
    )
    .digest("hex")}`;
  const result: TemplateVersion = {
    id,
    version,
    description: "test template",
    owners: ["tests@example.com"],
    tags: [],
    status: "published",
    changelog: "test",
    model: {
      name: "openai/gpt-4o-mini",
      params: { temperature: 0 },
      fallbacks: ["anthropic/claude-3-5-haiku"],
    },
    messages: options.messages,
    inputSchema,
    input,
    examples: [],
    hash,
    source: { path: `${id}/${version}.yaml` },
  };
  if (options.output) {
    result.output = options.output;
    result.outputSchema = options.outputSchema ?? jsonSchemaOf(options.output);
  }
  return result;
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  try {
    return z.toJSONSchema(schema, { io: "input" }) as JsonSchema;
  } catch {
    // z.custom() has no JSON Schema; such tests do not look at it.
    return { type: "object" };
  }
}

export class FakeNotFoundError extends Error {}

/** The two registry methods the renderer uses, over an in-memory list. Refs are `id` or `id@version`. */
export function fakeRegistry(
  versions: TemplateVersion[],
  partials: Record<string, string> = {},
): Pick<Registry, "resolve" | "partials" | "templates"> & { resolveCalls: number } {
  const byRef = new Map<string, TemplateVersion>();
  for (const version of versions) {
    byRef.set(`${version.id}@${version.version}`, version);
    byRef.set(version.id, version);
  }
  const registry = {
    resolveCalls: 0,
    partials: new Map(Object.entries(partials)) as ReadonlyMap<string, string>,
    resolve(ref: string | { id: string; selector: { kind: string; value?: string } }) {
      registry.resolveCalls++;
      const key =
        typeof ref === "string"
          ? ref
          : ref.selector.kind === "exact"
            ? `${ref.id}@${ref.selector.value}`
            : ref.id;
      const found = byRef.get(key);
      if (!found) throw new FakeNotFoundError(`no template ${key}`);
      return found;
    },
    templates: () => versions.values(),
  };
  return registry;
}
