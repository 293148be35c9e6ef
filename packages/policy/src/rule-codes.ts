/**
 * Every rule `promptreg validate` and `promptreg review` apply on top of the template format: one closed map, so a
 * finding's `code` is stable, `promptreg.config.yaml` can name it, and docs/rules.md's table is checked against it.
 * Add a code here first, give it a definition in `RULES` (rules.ts), then emit it; never emit a bare string.
 */
export const RULE_CODES = {
  // Immutability of published versions (validate through the lockfile, review through git)
  PUBLISHED_CHANGED_IN_PLACE: "published_changed_in_place",
  PUBLISHED_PARTIAL_CHANGED: "published_partial_changed",
  LOCK_FILE_MISSING: "lock_file_missing",
  LOCK_INVALID: "lock_invalid",
  LOCK_VERSION_MISSING: "lock_version_missing",
  LOCK_ENTRY_STALE: "lock_entry_stale",
  // Versioning and labels, between two revisions (promptreg review)
  BREAKING_CHANGE_WITHOUT_MAJOR: "breaking_change_without_major",
  VERSION_NOT_INCREASING: "version_not_increasing",
  LABEL_MAJOR_WITHOUT_MIGRATION: "label_major_without_migration",
  LABEL_TARGET_INVALID: "label_target_invalid",
  REMOVED_VERSION_LABELLED: "removed_version_labelled",
  // Ownership
  TEMPLATE_WITHOUT_OWNERS: "template_without_owners",
  // Authoring (docs/templates/authoring.md)
  PROPERTY_DESCRIPTION: "property_description",
  FREE_TEXT_MAX_LENGTH: "free_text_max_length",
  TOO_FEW_EXAMPLES: "too_few_examples",
  OUTPUT_NOT_REQUESTED: "output_not_requested",
  OUTPUT_FORMAT_PARTIAL: "output_format_partial",
  MODEL_PARAM_UNKNOWN: "model_param_unknown",
  MODEL_PARAM_UNSUPPORTED: "model_param_unsupported",
  FALLBACK_MISSING: "fallback_missing",
  REQUIRED_PARTIAL: "required_partial",
  // Golden renders (`promptreg snapshot`)
  SNAPSHOT_MISMATCH: "snapshot_mismatch",
  SNAPSHOT_MISSING: "snapshot_missing",
  SNAPSHOT_STALE: "snapshot_stale",
  // Review owners (`promptreg codeowners`)
  CODEOWNERS_STALE: "codeowners_stale",
} as const;

export type RuleCode = (typeof RULE_CODES)[keyof typeof RULE_CODES];
