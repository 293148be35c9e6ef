/**
 * Every code a loader problem (`Problem.code` from `checkRegistry` / `loadRegistry`) can carry: one closed map,
 * so callers can switch on codes without matching message text, and docs/template-format.md's code table is
 * checked against it. Add a code here first, then emit it; never emit a bare string.
 */
export const PROBLEM_CODES = {
  // YAML
  YAML_SYNTAX: "yaml_syntax",
  YAML_DUPLICATE_KEY: "yaml_duplicate_key",
  YAML_ALIAS_LIMIT: "yaml_alias_limit",
  NESTING_TOO_DEEP: "nesting_too_deep",
  YAML_UNSUPPORTED_TAG: "yaml_unsupported_tag",
  YAML_NOT_JSON: "yaml_not_json",
  INVALID_UTF8: "invalid_utf8",
  // Template structure
  TEMPLATE_NOT_MAPPING: "template_not_mapping",
  UNKNOWN_KEY: "unknown_key",
  MISSING_KEY: "missing_key",
  INVALID_VALUE: "invalid_value",
  ID_MISMATCH: "id_mismatch",
  INVALID_SEMVER: "invalid_semver",
  VERSION_MISMATCH: "version_mismatch",
  MESSAGES_AND_PROMPT: "messages_and_prompt",
  MISSING_MESSAGES: "missing_messages",
  RESERVED_MODEL_PARAM: "reserved_model_param",
  // Input and output schemas
  SCHEMA_NOT_OBJECT: "schema_not_object",
  SCHEMA_UNKNOWN_KEYWORD: "schema_unknown_keyword",
  SCHEMA_MISSING_TYPE: "schema_missing_type",
  SCHEMA_BAD_TYPE: "schema_bad_type",
  SCHEMA_KEYWORD_TYPE_MISMATCH: "schema_keyword_type_mismatch",
  SCHEMA_BAD_VALUE: "schema_bad_value",
  SCHEMA_REQUIRED_UNKNOWN: "schema_required_unknown",
  SCHEMA_BAD_DEFAULT: "schema_bad_default",
  SCHEMA_BAD_PATTERN: "schema_bad_pattern",
  SCHEMA_UNSUPPORTED_PATTERN: "schema_unsupported_pattern",
  SCHEMA_TOO_DEEP: "schema_too_deep",
  SCHEMA_BAD_FORMAT: "schema_bad_format",
  SCHEMA_BAD_SHORTHAND: "schema_bad_shorthand",
  SCHEMA_INPUT_NOT_OBJECT: "schema_input_not_object",
  // Examples
  EXAMPLE_INVALID: "example_invalid",
  DUPLICATE_EXAMPLE_NAME: "duplicate_example_name",
  // Partials
  MISSING_PARTIAL: "missing_partial",
  PARTIAL_CYCLE: "partial_cycle",
  // Paths and files
  INVALID_ID: "invalid_id",
  INVALID_VERSION_FILE: "invalid_version_file",
  WRONG_EXTENSION: "wrong_extension",
  IGNORED_FILE: "ignored_file",
  UNSAFE_PATH: "unsafe_path",
  FILE_TOO_LARGE: "file_too_large",
  STORE_READ_FAILED: "store_read_failed",
  TOO_MANY_FILES: "too_many_files",
  TOO_MANY_PROBLEMS: "too_many_problems",
  // Labels
  LABELS_WITHOUT_TEMPLATE: "labels_without_template",
  LABELS_NOT_MAPPING: "labels_not_mapping",
  INVALID_LABEL: "invalid_label",
  RESERVED_LABEL: "reserved_label",
  INVALID_LABEL_TARGET: "invalid_label_target",
  LABEL_MISSING_VERSION: "label_missing_version",
} as const;

export type ProblemCode = (typeof PROBLEM_CODES)[keyof typeof PROBLEM_CODES];
