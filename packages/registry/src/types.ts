import type { z } from "zod";

/** One step of a path into a parsed value: an object key or an array index. */
export type PathSegment = string | number;

/** A template id: one or more lowercase path segments, e.g. `support/summarize-ticket`. */
export type TemplateId = string;

export type Role = "system" | "user" | "assistant";

export type TemplateStatus = "draft" | "published" | "deprecated";

/** A JSON Schema object restricted to the subset documented in docs/template-format.md. */
export type JsonSchema = { [key: string]: unknown };

/** One chat message of a template; `content` is Handlebars source. */
export interface TemplateMessage {
  role: Role;
  content: string;
}

export interface ModelSpec {
  /** Gateway model name in `provider/model` form. */
  name: string;
  /** Sampling and limit parameters passed to the gateway as-is (temperature, max_tokens, ...). */
  params: Record<string, unknown>;
  /** Models to try, in order, when the primary fails with a retryable error. */
  fallbacks: string[];
}

export interface TemplateExample {
  name: string;
  description?: string;
  input: Record<string, unknown>;
}

/** One loaded, validated, immutable version of a template. */
export interface TemplateVersion {
  id: TemplateId;
  /** Exact semver. */
  version: string;
  description: string;
  owners: string[];
  tags: string[];
  status: TemplateStatus;
  changelog: string;
  model: ModelSpec;
  /** `prompt:` in the file is normalised to a single user message. */
  messages: TemplateMessage[];
  /** Normalised JSON Schema of the input (always an object schema). */
  inputSchema: JsonSchema;
  /** Normalised JSON Schema of the expected model output, when the template declares one. */
  outputSchema?: JsonSchema;
  /** Compiled once at load. */
  input: z.ZodType;
  output?: z.ZodType;
  examples: TemplateExample[];
  /** `sha256:<hex>` of the canonical definition plus the partials it uses. */
  hash: string;
  source: { path: string };
  /**
   * Where the pieces linters report on sit in the source file. Present for versions loaded from YAML;
   * absent for versions rebuilt from a bundle (which keeps no positions). Not part of the content hash.
   */
  sourceMap?: TemplateSourceMap;
}

/** A 1-based line and column in a template file. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Where one message's `content` (or `prompt`) text sits in the YAML file. */
export interface MessageSourcePosition extends SourcePosition {
  /**
   * `true` when the text appears in the file character for character from here: a `|` block literal (line N of
   * the text is on file line `line + N - 1`, starting at `column`), or a one-line plain or quoted scalar without
   * escapes (`column` is just inside the quote). Otherwise (folded, escaped or multi-line flow scalars) this is
   * only where the value starts.
   */
  verbatim: boolean;
}

/** Source positions of a template version, by the path of the piece in the normalised definition. */
export interface TemplateSourceMap {
  /** One per entry of `messages` (a `prompt:` file has one, pointing at the prompt value). */
  messages: MessageSourcePosition[];
  /** Each top-level input property's key in `input.properties`. */
  inputProperties: Record<string, SourcePosition>;
  /** One per entry of `examples`: the start of the example item. */
  examples: SourcePosition[];
}

/** What a reference selects within one template id. */
export type VersionSelector =
  | { kind: "exact"; value: string }
  | { kind: "range"; value: string }
  | { kind: "label"; value: string }
  | { kind: "latest" };

export interface TemplateRef {
  id: TemplateId;
  selector: VersionSelector;
}

export interface TemplateSummary {
  id: TemplateId;
  description: string;
  tags: string[];
  owners: string[];
  status: TemplateStatus;
  /** Ascending semver order. */
  versions: string[];
  labels: Record<string, string>;
  /** Highest published, non-prerelease version, if any. */
  latest?: string;
}

export interface ListFilter {
  tag?: string;
  owner?: string;
  status?: TemplateStatus;
  idPrefix?: string;
}

/** An immutable, indexed set of templates. */
export interface Registry {
  /** Throws `TemplateNotFoundError` (unknown id, version or label) or `InvalidReferenceError`. */
  resolve(ref: string | TemplateRef): TemplateVersion;
  tryResolve(ref: string | TemplateRef): TemplateVersion | undefined;
  get(id: TemplateId, version: string): TemplateVersion | undefined;
  ids(): TemplateId[];
  versions(id: TemplateId): string[];
  labels(id: TemplateId): Record<string, string>;
  list(filter?: ListFilter): TemplateSummary[];
  /** Partial name (path under `_partials/` without extension) to Handlebars source. */
  readonly partials: ReadonlyMap<string, string>;
  templates(): Iterable<TemplateVersion>;
}

/** A load or lint finding with its position in the source file (1-based line and column). */
export interface Problem {
  file: string;
  line: number;
  column: number;
  code: string;
  message: string;
  severity: "error" | "warning";
}

/** A template version without its compiled zod schemas: what bundles carry and what the content hash covers. */
export type TemplateDefinition = Omit<TemplateVersion, "input" | "output">;
