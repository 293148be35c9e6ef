import { didYouMean, escapeControl, quote } from "@promptreg/core";
import type { z } from "zod";
import { contentHash } from "./content-hash.js";
import { isStrictSemver } from "./ids.js";
import { compileSchema, normalizeSchema } from "./json-schema-subset.js";
import { findPartialUses, partialClosure } from "./partials.js";
import { PROBLEM_CODES, type ProblemCode } from "./problem-codes.js";
import { type LazyMessage, ProblemList } from "./problem-list.js";
import {
  exampleSchema,
  messageSchema,
  modelSpecSchema,
  RESERVED_MODEL_PARAMS,
  TEMPLATE_FILE_KEYS,
  type TemplateFile,
  templateFileSchema,
} from "./template-file-schema.js";
import type {
  JsonSchema,
  Problem,
  SourcePosition,
  TemplateDefinition,
  TemplateSourceMap,
  TemplateVersion,
} from "./types.js";
import { noLocator, type PathSegment, type SourceLocator } from "./yaml-source.js";

/** Keys allowed at each nested position of a template file, for "did you mean" on unknown keys. */
function knownKeysAt(path: readonly PathSegment[]): string[] {
  if (path.length === 0) return TEMPLATE_FILE_KEYS;
  if (path.length === 1 && path[0] === "model") return Object.keys(modelSpecSchema.shape);
  if (path.length === 2 && path[0] === "messages") return Object.keys(messageSchema.shape);
  if (path.length === 2 && path[0] === "examples") return Object.keys(exampleSchema.shape);
  return [];
}

function dotted(path: readonly PathSegment[]): string {
  return path
    .map((segment, index) => (typeof segment === "number" ? `[${segment}]` : index ? `.${segment}` : segment))
    .join("");
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

export interface PartialIndex {
  /** Partial name -> source. */
  sources: ReadonlyMap<string, string>;
  /** Partial name -> names it references. */
  graph: ReadonlyMap<string, readonly string[]>;
}

/**
 * Validates one parsed template file (a plain object from YAML or a bundle) and builds its `TemplateVersion`.
 * Collects every problem with its position; returns no version when any error was found.
 */
export function buildTemplateVersion({
  value,
  file,
  locator,
  expected,
  partials,
}: {
  value: unknown;
  /** Path relative to the template root, used in problems and `source.path`. */
  file: string;
  locator: SourceLocator;
  /** The id and version the path implies, when there is a path. */
  expected?: { id: string; version: string };
  partials: PartialIndex;
}): { version?: TemplateVersion; problems: Problem[] } {
  const problems = new ProblemList(file);
  const report = (path: readonly PathSegment[], code: ProblemCode, message: LazyMessage, key = false) => {
    problems.add({ ...locator.locate(path, { key }), code, message });
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    report(
      [],
      PROBLEM_CODES.TEMPLATE_NOT_MAPPING,
      "A template file must be a YAML mapping with id, version, description, ... at the top level.",
    );
    return { problems: problems.finish() };
  }
  const parsed = templateFileSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path as PathSegment[];
      // input/output are checked by the subset validator below, which gives better messages.
      if (path[0] === "input" || path[0] === "output") continue;
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          report(
            [...path, key],
            PROBLEM_CODES.UNKNOWN_KEY,
            `Unknown key ${quote(key)}${path.length ? ` in ${dotted(path)}` : ""}.${didYouMean(key, knownKeysAt(path))} Allowed: ${knownKeysAt(path).join(", ")}.`,
            true,
          );
        }
        continue;
      }
      const missing = issue.code === "invalid_type" && valueAt(value, path) === undefined;
      report(
        path,
        missing ? PROBLEM_CODES.MISSING_KEY : PROBLEM_CODES.INVALID_VALUE,
        missing ? `Missing required key "${dotted(path)}".` : `${dotted(path) || "file"}: ${issue.message}.`,
      );
    }
  }
  const raw = value as Record<string, unknown>;
  if (typeof raw.id === "string" && expected && raw.id !== expected.id) {
    report(
      ["id"],
      PROBLEM_CODES.ID_MISMATCH,
      `id ${quote(raw.id)} does not match the file's path, which implies ${quote(expected.id)}. Make them equal (move the file or fix the id).`,
    );
  }
  if (typeof raw.version === "string") {
    if (!isStrictSemver(raw.version)) {
      report(
        ["version"],
        PROBLEM_CODES.INVALID_SEMVER,
        `version ${quote(raw.version)} is not strict semver (MAJOR.MINOR.PATCH, optional -prerelease; no "v" prefix, no +build).`,
      );
    } else if (expected && raw.version !== expected.version) {
      report(
        ["version"],
        PROBLEM_CODES.VERSION_MISMATCH,
        `version ${quote(raw.version)} does not match the file name, which implies ${quote(expected.version)}. Rename the file or fix the version.`,
      );
    }
  }
  const params = (raw.model as { params?: unknown } | null | undefined)?.params;
  if (typeof params === "object" && params !== null && !Array.isArray(params)) {
    for (const key of Object.keys(params)) {
      if (!Object.hasOwn(RESERVED_MODEL_PARAMS, key)) continue;
      report(
        ["model", "params", key],
        PROBLEM_CODES.RESERVED_MODEL_PARAM,
        `model.params.${key} is set by the service, not by templates: ${RESERVED_MODEL_PARAMS[key]}. Remove it.`,
        true,
      );
    }
  }
  if (raw.messages !== undefined && raw.prompt !== undefined) {
    report(
      ["prompt"],
      PROBLEM_CODES.MESSAGES_AND_PROMPT,
      "Give either messages or prompt, not both (prompt is shorthand for one user message).",
      true,
    );
  } else if (raw.messages === undefined && raw.prompt === undefined) {
    report(
      [],
      PROBLEM_CODES.MISSING_MESSAGES,
      "The template has neither messages nor prompt; add one of them.",
    );
  }

  const schemas: { input?: JsonSchema; output?: JsonSchema } = {};
  for (const which of ["input", "output"] as const) {
    if (raw[which] === undefined) {
      if (which === "input")
        report(
          [],
          PROBLEM_CODES.MISSING_KEY,
          'Missing required key "input" (use { type: object, properties: {} } for a template without variables).',
        );
      continue;
    }
    const { schema, issues, omitted } = normalizeSchema(raw[which], {
      root: which,
      maxIssues: problems.room,
    });
    for (const issue of issues)
      report([which, ...issue.path], issue.code, `${which} schema: ${issue.message}`, issue.key);
    problems.omit(omitted, locator.locate([which]));
    if (issues.length === 0 && omitted === 0) schemas[which] = schema;
  }

  // Partial references, from messages or prompt.
  const sources: { path: PathSegment[]; text: string }[] = [];
  if (Array.isArray(raw.messages)) {
    raw.messages.forEach((message, index) => {
      const content = (message as { content?: unknown } | null)?.content;
      if (typeof content === "string") sources.push({ path: ["messages", index, "content"], text: content });
    });
  } else if (typeof raw.prompt === "string") sources.push({ path: ["prompt"], text: raw.prompt });
  const used = new Set<string>();
  for (const source of sources) {
    for (const { name, index } of findPartialUses(source.text)) {
      used.add(name);
      if (!partials.sources.has(name)) {
        problems.add({
          ...locator.locate(source.path, { within: index }),
          code: PROBLEM_CODES.MISSING_PARTIAL,
          message: () =>
            `Partial ${quote(name)} is not defined: create ${quote(`_partials/${name}.hbs`)}.${didYouMean(name, partials.sources.keys())}`,
        });
      }
    }
  }

  // Example names identify examples in lint output, CLI runs and test reports: each must be unique.
  if (Array.isArray(raw.examples)) {
    const firstIndex = new Map<string, number>();
    raw.examples.forEach((example, index) => {
      const name = (example as { name?: unknown } | null)?.name;
      if (typeof name !== "string") return;
      const first = firstIndex.get(name);
      if (first === undefined) {
        firstIndex.set(name, index);
        return;
      }
      const { line } = locator.locate(["examples", first, "name"]);
      report(
        ["examples", index, "name"],
        PROBLEM_CODES.DUPLICATE_EXAMPLE_NAME,
        `Example name ${quote(name)} is used twice (examples[${first}], line ${line}, and examples[${index}]). Give each example of a version its own name.`,
      );
    });
  }

  if (problems.size > 0 || !parsed.success) return { problems: problems.finish() };
  const data: TemplateFile = parsed.data;
  const input = compileSchema(schemas.input!);
  const output = schemas.output ? compileSchema(schemas.output) : undefined;
  const examples = (data.examples ?? []).map((example) => ({
    name: example.name,
    ...(example.description === undefined ? {} : { description: example.description }),
    input: example.input,
  }));
  examples.forEach((example, index) => {
    const result = (input as z.ZodType).safeParse(example.input);
    if (result.success) return;
    for (const issue of result.error.issues) {
      const path = issue.path as PathSegment[];
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      for (const key of keys) {
        const full = key === undefined ? path : [...path, key];
        report(
          ["examples", index, "input", ...full],
          PROBLEM_CODES.EXAMPLE_INVALID,
          `Example ${quote(example.name)} does not match the input schema at ${quote(full.length ? dotted(full) : "<root>")}: ${escapeControl(issue.message)}${
            key === undefined ? "" : ` (${quote(key)} is not declared in input.properties)`
          }.`,
          key !== undefined,
        );
      }
    }
  });
  if (problems.size > 0) return { problems: problems.finish() };

  const definition: TemplateDefinition = {
    id: data.id,
    version: data.version,
    description: data.description,
    owners: data.owners,
    tags: data.tags ?? [],
    status: data.status ?? "draft",
    changelog: data.changelog,
    model: {
      name: data.model.name,
      params: data.model.params ?? {},
      fallbacks: data.model.fallbacks ?? [],
    },
    messages: data.messages ?? [{ role: "user", content: data.prompt! }],
    inputSchema: schemas.input!,
    ...(schemas.output ? { outputSchema: schemas.output } : {}),
    examples,
    hash: "",
    source: { path: file },
  };
  const closure = partialClosure(used, partials.graph);
  const { hash: _hash, source: _source, ...hashed } = definition;
  definition.hash = contentHash({
    template: hashed,
    partials: Object.fromEntries(closure.map((name) => [name, partials.sources.get(name)!])),
  });
  const sourceMap = locator === noLocator ? undefined : buildSourceMap({ raw, locator, definition });
  return {
    version: { ...definition, input, ...(output ? { output } : {}), ...(sourceMap ? { sourceMap } : {}) },
    problems: [],
  };
}

/** Positions of messages, input properties and examples, for linters that only see the normalised version. */
function buildSourceMap({
  raw,
  locator,
  definition,
}: {
  raw: Record<string, unknown>;
  locator: SourceLocator;
  definition: TemplateDefinition;
}): TemplateSourceMap {
  const messagePaths: PathSegment[][] = Array.isArray(raw.messages)
    ? raw.messages.map((_, index) => ["messages", index, "content"])
    : [["prompt"]];
  const messages = messagePaths.map(
    (path) => locator.locateText(path) ?? { ...locator.locate(path), verbatim: false },
  );
  const inputProperties: Record<string, SourcePosition> = {};
  const declared = (definition.inputSchema.properties ?? {}) as Record<string, unknown>;
  const rawProperties = (raw.input as { properties?: unknown } | undefined)?.properties;
  if (rawProperties && typeof rawProperties === "object") {
    for (const key of Object.keys(rawProperties)) {
      // The shorthand `note?: string` declares the optional property "note".
      const name = key.endsWith("?") ? key.slice(0, -1) : key;
      if (Object.hasOwn(declared, name) && !Object.hasOwn(inputProperties, name)) {
        inputProperties[name] = locator.locate(["input", "properties", key], { key: true });
      }
    }
  }
  const examples = definition.examples.map((_, index) => locator.locate(["examples", index]));
  return { messages, inputProperties, examples };
}

/** A `TemplateDefinition` written back in file form (what a bundle's template becomes when it is re-validated). */
export function definitionToFile(definition: TemplateDefinition): Record<string, unknown> {
  return {
    id: definition.id,
    version: definition.version,
    description: definition.description,
    owners: definition.owners,
    tags: definition.tags,
    status: definition.status,
    changelog: definition.changelog,
    model: definition.model,
    input: definition.inputSchema,
    ...(definition.outputSchema ? { output: definition.outputSchema } : {}),
    messages: definition.messages,
    examples: definition.examples,
  };
}
