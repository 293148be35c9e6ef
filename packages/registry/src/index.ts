// The public API of @promptreg/registry. Anything not named here is private.

export {
  BUNDLE_FORMAT,
  bundleContentHash,
  createBundle,
  type LoadBundleOptions,
  loadRegistryFromBundle,
  type RegistryBundle,
} from "./bundle.js";
export { loadRegistryFromBundleFile, loadRegistryFromBundleText, parseBundleText } from "./bundle-file.js";
export { canonicalJson, contentHash } from "./content-hash.js";
export { BundleError, type BundleErrorCode } from "./errors/bundle-error.js";
export { InvalidReferenceError } from "./errors/invalid-reference-error.js";
export { RegistryError } from "./errors/registry-error.js";
export { REGISTRY_ERROR_CODES, type RegistryErrorCode } from "./errors/registry-error-codes.js";
export { RegistryLoadError } from "./errors/registry-load-error.js";
export { StoreError, type StoreErrorCode } from "./errors/store-error.js";
export { type NotFoundKind, TemplateNotFoundError } from "./errors/template-not-found-error.js";
export { createFileSystemStore } from "./file-system-store.js";
export { type HandlebarsTag, scanHandlebarsTags } from "./handlebars-tags.js";
export { isLabelName, isStrictSemver, isTemplateId, MAX_ID_LENGTH } from "./ids.js";
export {
  compileSchema,
  normalizeSchema,
  SCHEMA_KEYWORDS,
  SCHEMA_TYPES,
  type SchemaIssue,
  STRING_FORMATS,
  toJsonSchema,
} from "./json-schema-subset.js";
export { LIMITS } from "./limits.js";
export { type CheckResult, checkRegistry, loadRegistry, loadRegistryFromDir } from "./load.js";
export { createLoadCache, type LoadCache, RACY_WINDOW_MS } from "./load-cache.js";
export { findPartialCycles, findPartialReferences, partialClosure } from "./partials.js";
export { PROBLEM_CODES, type ProblemCode } from "./problem-codes.js";
export { formatReference, parseReference } from "./reference.js";
export { createRegistry } from "./registry.js";
export {
  classifyPath,
  createMemoryStore,
  LOCKFILE_NAME,
  type StoredFile,
  type StoredFileKind,
  type TemplateStore,
} from "./store.js";
export { type TemplateFile, templateFileJsonSchema, templateFileSchema } from "./template-file-schema.js";
export {
  TEMPLATE_SCHEMA_PATH,
  templateSchemaFileText,
  writeTemplateSchemaFile,
} from "./template-schema-file.js";
export type {
  JsonSchema,
  ListFilter,
  MessageSourcePosition,
  ModelSpec,
  Problem,
  Registry,
  Role,
  SourcePosition,
  TemplateDefinition,
  TemplateExample,
  TemplateId,
  TemplateMessage,
  TemplateRef,
  TemplateSourceMap,
  TemplateStatus,
  TemplateSummary,
  TemplateVersion,
  VersionSelector,
} from "./types.js";
export { type ParsedYaml, type PathSegment, parseYamlSource, type SourceLocator } from "./yaml-source.js";
