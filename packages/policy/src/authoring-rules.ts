import { closestMatches } from "@promptreg/core";
import type { JsonSchema, PathSegment, Registry, TemplateVersion } from "@promptreg/registry";
import type { RuleSettings } from "./config.js";
import { checkModelParam, MODEL_PARAMS, providerFamily } from "./model-params.js";
import { isCodeOwner } from "./owners.js";
import { RULE_CODES, type RuleCode } from "./rule-codes.js";
import type { RuleFinding } from "./rule-finding.js";
import { createPositionFinder, type PositionFinder } from "./source-positions.js";
import { type PartialGraph, partialGraph, versionPartials } from "./version-content.js";

/** Formats whose strings have a bounded length, so `maxLength` adds nothing. */
const BOUNDED_FORMATS = new Set(["date", "date-time", "uuid"]);

interface Context {
  rules: RuleSettings;
  at: PositionFinder;
  graph: PartialGraph;
  partials: ReadonlyMap<string, string>;
  findings: RuleFinding[];
}

/**
 * The authoring rules of docs/templates/authoring.md as lint findings (severity is applied later from the
 * repository's settings; rules set to `off` are not evaluated). `sources` (template file -> YAML text) gives exact
 * positions; without it findings point at line 1, column 1 of the file.
 */
export function lintAuthoring(options: {
  registry: Pick<Registry, "templates" | "partials" | "ids" | "versions" | "get">;
  rules: RuleSettings;
  sources?: ReadonlyMap<string, string>;
}): RuleFinding[] {
  const { registry, rules } = options;
  const context: Context = {
    rules,
    at: createPositionFinder(options.sources),
    graph: partialGraph(registry.partials),
    partials: registry.partials,
    findings: [],
  };
  for (const version of registry.templates()) {
    if (on(context, RULE_CODES.PROPERTY_DESCRIPTION)) propertyDescriptions(context, version);
    if (on(context, RULE_CODES.FREE_TEXT_MAX_LENGTH)) freeTextMaxLength(context, version);
    if (on(context, RULE_CODES.TOO_FEW_EXAMPLES)) tooFewExamples(context, version);
    if (on(context, RULE_CODES.OUTPUT_NOT_REQUESTED)) outputRequested(context, version);
    if (on(context, RULE_CODES.OUTPUT_FORMAT_PARTIAL)) outputFormatPartial(context, version);
    if (on(context, RULE_CODES.MODEL_PARAM_UNKNOWN) || on(context, RULE_CODES.MODEL_PARAM_UNSUPPORTED)) {
      modelParams(context, version);
    }
    if (on(context, RULE_CODES.FALLBACK_MISSING)) fallbacks(context, version);
    if (on(context, RULE_CODES.REQUIRED_PARTIAL)) requiredPartials(context, version);
  }
  if (on(context, RULE_CODES.TEMPLATE_WITHOUT_OWNERS)) {
    for (const id of registry.ids()) {
      const versions = registry.versions(id);
      const latest = registry.get(id, versions[versions.length - 1]!);
      if (latest) owners(context, latest);
    }
  }
  return context.findings;
}

function on(context: Context, code: RuleCode): boolean {
  return context.rules[code].severity !== "off";
}

function push(
  context: Context,
  finding: {
    code: RuleCode;
    version: TemplateVersion;
    path: PathSegment[];
    key?: boolean;
    message: string;
  },
): void {
  const { version, path, key = false, code, message } = finding;
  // A path ending in a message's content points at where its text starts, not at the `|` header.
  const text = path[path.length - 1] === "content";
  const file = version.source.path;
  const ref = `${version.id}@${version.version}`;
  context.findings.push({
    code,
    file,
    ...context.at(file, path, { key, text }),
    message: `${ref}: ${message}`,
    ref,
  });
}

function ref(path: readonly PathSegment[]): string {
  return path.map(String).join(".");
}

/** Every `properties` entry of a schema, depth first, with its path from `root`. */
function* properties(
  schema: JsonSchema | undefined,
  path: PathSegment[],
): Generator<{ path: PathSegment[]; schema: JsonSchema }> {
  if (!schema) return;
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  for (const [name, child] of Object.entries(props ?? {})) {
    const at = [...path, "properties", name];
    yield { path: at, schema: child };
    yield* properties(child, at);
  }
  if (schema.items && typeof schema.items === "object") {
    yield* properties(schema.items as JsonSchema, [...path, "items"]);
  }
}

function propertyDescriptions(context: Context, version: TemplateVersion): void {
  const schemas: [string, JsonSchema | undefined][] = [
    ["input", version.inputSchema],
    ["output", version.outputSchema],
  ];
  for (const [root, schema] of schemas) {
    for (const { path, schema: property } of properties(schema, [root])) {
      if (typeof property.description === "string" && property.description.trim() !== "") continue;
      push(context, {
        code: RULE_CODES.PROPERTY_DESCRIPTION,
        version,
        path,
        key: true,
        message: `${ref(path)} has no description. Say what the value is and where it comes from; it is shown in the catalog, the API, generated types and editors.`,
      });
    }
  }
}

function isFreeText(schema: JsonSchema): boolean {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (!types.includes("string")) return false;
  if (schema.enum !== undefined || schema.const !== undefined) return false;
  return !(typeof schema.format === "string" && BOUNDED_FORMATS.has(schema.format));
}

function freeTextMaxLength(context: Context, version: TemplateVersion): void {
  const check = (schema: JsonSchema, path: PathSegment[]) => {
    if (!isFreeText(schema) || typeof schema.maxLength === "number") return;
    push(context, {
      code: RULE_CODES.FREE_TEXT_MAX_LENGTH,
      version,
      path,
      key: path[path.length - 2] === "properties",
      message: `${ref(path)} is free text without maxLength. Give it a limit (a 2 MB ticket is a bug upstream, and it would be billed as prompt tokens).`,
    });
  };
  for (const { path, schema } of properties(version.inputSchema, ["input"])) {
    check(schema, path);
    if (schema.items && typeof schema.items === "object" && !("properties" in (schema.items as JsonSchema))) {
      check(schema.items as JsonSchema, [...path, "items"]);
    }
  }
}

function tooFewExamples(context: Context, version: TemplateVersion): void {
  const { min } = context.rules.too_few_examples.options;
  if (version.examples.length >= min) return;
  push(context, {
    code: RULE_CODES.TOO_FEW_EXAMPLES,
    version,
    path: version.examples.length > 0 ? ["examples"] : [],
    key: version.examples.length > 0,
    message: `has ${version.examples.length} example${version.examples.length === 1 ? "" : "s"}; give at least ${min}: a typical input and an edge case (optional fields absent, an empty list, an adversarial text).`,
  });
}

/** The Handlebars text of a version's messages plus every partial they include. */
function promptText(context: Context, version: TemplateVersion, roles?: ReadonlySet<string>): string {
  const messages = version.messages.filter((message) => !roles || roles.has(message.role));
  const included = versionPartials({ messages }, context.graph);
  return [
    ...messages.map((message) => message.content),
    ...included.map((name) => context.partials.get(name) ?? ""),
  ].join("\n");
}

function mentions(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}([^A-Za-z0-9_]|$)`).test(text);
}

const FIRST_MESSAGE: PathSegment[] = ["messages", 0, "content"];

function outputFormatPartial(context: Context, version: TemplateVersion): void {
  const { partial } = context.rules.output_format_partial.options;
  if (partial === undefined) return;
  const included = versionPartials(version, context.graph).includes(partial);
  if ((version.outputSchema !== undefined) === included) return;
  push(context, {
    code: RULE_CODES.OUTPUT_FORMAT_PARTIAL,
    version,
    path: FIRST_MESSAGE,
    message: version.outputSchema
      ? `declares an output schema but does not include {{> ${partial}}}; include it in the system message so the model answers in the format callers parse.`
      : `includes {{> ${partial}}} but declares no output schema; declare \`output\` (so replies are validated) or remove the partial.`,
  });
}

function outputRequested(context: Context, version: TemplateVersion): void {
  const report = (message: string) =>
    push(context, { code: RULE_CODES.OUTPUT_NOT_REQUESTED, version, path: FIRST_MESSAGE, message });
  if (!version.outputSchema) return;
  const text = promptText(context, version);
  if (!/json/i.test(text)) {
    report(
      "declares an output schema but no message asks for JSON; say so (e.g. include a partial that asks for JSON only).",
    );
  }
  const fields = Object.keys((version.outputSchema.properties as Record<string, unknown> | undefined) ?? {});
  const unnamed = fields.filter((field) => !mentions(text, field));
  if (unnamed.length > 0) {
    report(
      `the messages never name the output field${unnamed.length === 1 ? "" : "s"} ${unnamed.map((f) => `"${f}"`).join(", ")}. Name each field exactly as the output schema does and say what goes in it.`,
    );
  }
}

function modelParams(context: Context, version: TemplateVersion): void {
  const { allow } = context.rules.model_param_unknown.options;
  const model = version.model.name;
  for (const [name, value] of Object.entries(version.model.params)) {
    if (allow.includes(name)) continue;
    const verdict = checkModelParam({ model, name, value });
    const path: PathSegment[] = ["model", "params", name];
    if (verdict.kind === "unknown") {
      const [suggestion] = closestMatches(name, Object.keys(MODEL_PARAMS), 1);
      push(context, {
        code: RULE_CODES.MODEL_PARAM_UNKNOWN,
        version,
        path,
        key: true,
        message: `model.params.${name} is not a parameter any provider accepts; it would be sent to the model as is.${
          suggestion ? ` Did you mean "${suggestion}"?` : ""
        } If it is real, add it to rules.model_param_unknown.allow in promptreg.config.yaml.`,
      });
    } else if (verdict.kind === "unsupported") {
      push(context, {
        code: RULE_CODES.MODEL_PARAM_UNSUPPORTED,
        version,
        path,
        key: true,
        message: `model.params.${name} is not supported by ${verdict.family} models (${model})${
          verdict.supportedBy.length > 0 ? `; it is a ${verdict.supportedBy.join("/")} parameter` : ""
        }. Remove it, or pick a model that supports it.`,
      });
    } else if (verdict.kind === "out_of_range") {
      push(context, {
        code: RULE_CODES.MODEL_PARAM_UNSUPPORTED,
        version,
        path,
        message: `model.params.${name} is ${JSON.stringify(value)}, outside ${verdict.family}'s range ${verdict.range[0]} to ${verdict.range[1]} (${model}).`,
      });
    }
  }
}

function fallbacks(context: Context, version: TemplateVersion): void {
  const { otherProvider } = context.rules.fallback_missing.options;
  const provider = (model: string) => providerFamily(model) ?? model.split("/", 1)[0];
  const { name, fallbacks: list } = version.model;
  const usable = otherProvider ? list.filter((model) => provider(model) !== provider(name)) : list;
  if (usable.length > 0) return;
  push(context, {
    code: RULE_CODES.FALLBACK_MISSING,
    version,
    path: list.length > 0 ? ["model", "fallbacks"] : ["model"],
    message: otherProvider
      ? `has no fallback model from another provider than ${name}, so that provider's outage fails every call. Add one to model.fallbacks.`
      : "has no fallback model, so an outage of its model fails every call. Add one to model.fallbacks.",
  });
}

function requiredPartials(context: Context, version: TemplateVersion): void {
  const { partials } = context.rules.required_partial.options;
  const system = version.messages.filter((message) => message.role === "system");
  const included = versionPartials({ messages: system }, context.graph);
  const firstSystem = version.messages.findIndex((message) => message.role === "system");
  for (const name of partials) {
    if (included.includes(name)) continue;
    push(context, {
      code: RULE_CODES.REQUIRED_PARTIAL,
      version,
      path: firstSystem === -1 ? ["messages"] : ["messages", firstSystem, "content"],
      message:
        firstSystem === -1
          ? `has no system message; add one that includes {{> ${name}}} (this repository requires it).`
          : `does not include {{> ${name}}} in a system message (this repository requires it in every version).`,
    });
  }
}

function owners(context: Context, version: TemplateVersion): void {
  if (version.owners.some(isCodeOwner)) return;
  push(context, {
    code: RULE_CODES.TEMPLATE_WITHOUT_OWNERS,
    version,
    path: ["owners"],
    message: `the latest version names no owner that can review changes (${version.owners
      .map((owner) => JSON.stringify(owner))
      .join(", ")}). Use e-mail addresses, GitHub @users or @org/teams.`,
  });
}
