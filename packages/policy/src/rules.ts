import { z } from "zod";
import { RULE_CODES, type RuleCode } from "./rule-codes.js";

/** How a rule's findings count: `off` drops them, `warning` fails only `--strict` runs, `error` fails the run. */
export type RuleSeverity = "off" | "warning" | "error";
export const RULE_SEVERITIES = ["off", "warning", "error"] as const satisfies readonly RuleSeverity[];

/** Where a rule runs: `validate` (no git needed, also in a tarball) or `review` (a change between two revisions). */
export type RuleStage = "validate" | "review" | "both";

export interface RuleDefinition<Options extends z.ZodObject = z.ZodObject> {
  code: RuleCode;
  stage: RuleStage;
  defaultSeverity: RuleSeverity;
  /** One line for docs, `--help` and the review report. */
  summary: string;
  /** Options a repository may set next to the severity in promptreg.config.yaml; every key has a default. */
  options: Options;
}

const none = z.strictObject({});

function rule<Options extends z.ZodObject>(definition: RuleDefinition<Options>): RuleDefinition<Options> {
  return definition;
}

/**
 * Every rule with its default severity and options. The defaults are what a repository without
 * promptreg.config.yaml gets: integrity and review rules are errors; authoring rules are warnings (a typo in a
 * model parameter, which is sent to the model, is an error) so adopting promptreg never blocks a working tree.
 */
export const RULES = {
  [RULE_CODES.PUBLISHED_CHANGED_IN_PLACE]: rule({
    code: RULE_CODES.PUBLISHED_CHANGED_IN_PLACE,
    stage: "both",
    defaultSeverity: "error",
    summary:
      "A published or deprecated version's content differs from its locked hash (validate) or from the base revision (review). Add a new version instead.",
    options: none,
  }),
  [RULE_CODES.PUBLISHED_PARTIAL_CHANGED]: rule({
    code: RULE_CODES.PUBLISHED_PARTIAL_CHANGED,
    stage: "both",
    defaultSeverity: "error",
    summary:
      "A partial that published versions include changed, so their prompts changed in place. Put the new text in a new partial used by new versions.",
    options: none,
  }),
  [RULE_CODES.LOCK_FILE_MISSING]: rule({
    code: RULE_CODES.LOCK_FILE_MISSING,
    stage: "validate",
    defaultSeverity: "warning",
    summary: "The tree has published versions but no lockfile; run `promptreg lock` and commit it.",
    options: none,
  }),
  [RULE_CODES.LOCK_INVALID]: rule({
    code: RULE_CODES.LOCK_INVALID,
    stage: "validate",
    defaultSeverity: "error",
    summary: "A line of the lockfile cannot be read; regenerate it with `promptreg lock`.",
    options: none,
  }),
  [RULE_CODES.LOCK_VERSION_MISSING]: rule({
    code: RULE_CODES.LOCK_VERSION_MISSING,
    stage: "validate",
    defaultSeverity: "error",
    summary: "A published or deprecated version is not in the lockfile; run `promptreg lock`.",
    options: none,
  }),
  [RULE_CODES.LOCK_ENTRY_STALE]: rule({
    code: RULE_CODES.LOCK_ENTRY_STALE,
    stage: "validate",
    defaultSeverity: "error",
    summary:
      "The lockfile lists a version that is no longer published in the tree (deleted, or back to draft).",
    options: none,
  }),
  [RULE_CODES.BREAKING_CHANGE_WITHOUT_MAJOR]: rule({
    code: RULE_CODES.BREAKING_CHANGE_WITHOUT_MAJOR,
    stage: "review",
    defaultSeverity: "error",
    summary:
      "A new version breaks callers of the version it succeeds (input narrowed or output widened) without a major bump, so `^N` callers break. Bump the major version.",
    options: none,
  }),
  [RULE_CODES.VERSION_NOT_INCREASING]: rule({
    code: RULE_CODES.VERSION_NOT_INCREASING,
    stage: "review",
    defaultSeverity: "error",
    summary:
      "A new version is not above the template's highest released (published or deprecated) version at the base revision, so `latest` and ranges do not pick it up as expected.",
    options: none,
  }),
  [RULE_CODES.LABEL_MAJOR_WITHOUT_MIGRATION]: rule({
    code: RULE_CODES.LABEL_MAJOR_WITHOUT_MIGRATION,
    stage: "review",
    defaultSeverity: "error",
    summary:
      'A label moved across a major version (callers of `@production` break like callers of `^1`) but the new version\'s changelog does not say how to migrate (no "migrat...").',
    options: none,
  }),
  [RULE_CODES.LABEL_TARGET_INVALID]: rule({
    code: RULE_CODES.LABEL_TARGET_INVALID,
    stage: "review",
    defaultSeverity: "error",
    summary:
      "A label points at a version that does not exist or is a draft, so callers of the label get nothing or an unreviewed prompt.",
    options: none,
  }),
  [RULE_CODES.REMOVED_VERSION_LABELLED]: rule({
    code: RULE_CODES.REMOVED_VERSION_LABELLED,
    stage: "review",
    defaultSeverity: "error",
    summary:
      "A version was removed while a label still points at it. Move the label first, in its own change.",
    options: none,
  }),
  [RULE_CODES.TEMPLATE_WITHOUT_OWNERS]: rule({
    code: RULE_CODES.TEMPLATE_WITHOUT_OWNERS,
    stage: "validate",
    defaultSeverity: "error",
    summary:
      "A template's latest version names no owner that can review its changes: an e-mail address or a GitHub @user / @org/team.",
    options: none,
  }),
  [RULE_CODES.PROPERTY_DESCRIPTION]: rule({
    code: RULE_CODES.PROPERTY_DESCRIPTION,
    stage: "validate",
    defaultSeverity: "warning",
    summary:
      "Every input and output property has a description (shown in the catalog, the API, generated types and editors).",
    options: none,
  }),
  [RULE_CODES.FREE_TEXT_MAX_LENGTH]: rule({
    code: RULE_CODES.FREE_TEXT_MAX_LENGTH,
    stage: "validate",
    defaultSeverity: "warning",
    summary:
      "Every free-text input string (no enum, const or fixed-size format) has a maxLength, so a runaway input is refused instead of billed.",
    options: none,
  }),
  [RULE_CODES.TOO_FEW_EXAMPLES]: rule({
    code: RULE_CODES.TOO_FEW_EXAMPLES,
    stage: "validate",
    defaultSeverity: "warning",
    summary: "Each version has at least `min` examples (default 2): a typical one and an edge case.",
    options: z.strictObject({ min: z.int().min(1).max(100).default(2) }),
  }),
  [RULE_CODES.OUTPUT_NOT_REQUESTED]: rule({
    code: RULE_CODES.OUTPUT_NOT_REQUESTED,
    stage: "validate",
    defaultSeverity: "warning",
    summary:
      "A version that declares `output` asks for JSON and names every top-level output field in its messages (partials included).",
    options: none,
  }),
  [RULE_CODES.OUTPUT_FORMAT_PARTIAL]: rule({
    code: RULE_CODES.OUTPUT_FORMAT_PARTIAL,
    stage: "validate",
    defaultSeverity: "off",
    summary:
      'A version includes `partial` (e.g. a shared "answer with JSON only" text) exactly when it declares `output`.',
    options: z.strictObject({ partial: z.string().min(1).optional() }),
  }),
  [RULE_CODES.MODEL_PARAM_UNKNOWN]: rule({
    code: RULE_CODES.MODEL_PARAM_UNKNOWN,
    stage: "validate",
    defaultSeverity: "error",
    summary:
      'A `model.params` key no provider knows (a typo such as `temprature`, with "did you mean"); list deliberate extras in `allow`.',
    options: z.strictObject({ allow: z.array(z.string().min(1)).default([]) }),
  }),
  [RULE_CODES.MODEL_PARAM_UNSUPPORTED]: rule({
    code: RULE_CODES.MODEL_PARAM_UNSUPPORTED,
    stage: "validate",
    defaultSeverity: "warning",
    summary:
      "A `model.params` key or value the model's provider family does not support (e.g. `seed` or temperature 1.5 for anthropic).",
    options: none,
  }),
  [RULE_CODES.FALLBACK_MISSING]: rule({
    code: RULE_CODES.FALLBACK_MISSING,
    stage: "validate",
    defaultSeverity: "off",
    summary:
      "A version has no fallback model (with `otherProvider`, none from another provider), so one provider's outage fails its calls.",
    options: z.strictObject({ otherProvider: z.boolean().default(true) }),
  }),
  [RULE_CODES.REQUIRED_PARTIAL]: rule({
    code: RULE_CODES.REQUIRED_PARTIAL,
    stage: "validate",
    defaultSeverity: "off",
    summary:
      "Every version includes each of `partials` (directly or through another partial) in a system message, e.g. a shared safety preamble.",
    options: z.strictObject({ partials: z.array(z.string().min(1)).default([]) }),
  }),
  [RULE_CODES.SNAPSHOT_MISMATCH]: rule({
    code: RULE_CODES.SNAPSHOT_MISMATCH,
    stage: "validate",
    defaultSeverity: "error",
    summary:
      "An example no longer renders as its committed golden render (a helper, partial or template change altered the prompt); run `promptreg snapshot` if intended.",
    options: none,
  }),
  [RULE_CODES.SNAPSHOT_MISSING]: rule({
    code: RULE_CODES.SNAPSHOT_MISSING,
    stage: "validate",
    defaultSeverity: "off",
    summary: "A version or example has no golden render; run `promptreg snapshot` and commit the files.",
    options: none,
  }),
  [RULE_CODES.SNAPSHOT_STALE]: rule({
    code: RULE_CODES.SNAPSHOT_STALE,
    stage: "validate",
    defaultSeverity: "error",
    summary: "A golden render names a version or example that no longer exists; run `promptreg snapshot`.",
    options: none,
  }),
  [RULE_CODES.CODEOWNERS_STALE]: rule({
    code: RULE_CODES.CODEOWNERS_STALE,
    stage: "validate",
    defaultSeverity: "error",
    summary:
      "The promptreg section of CODEOWNERS no longer matches the template owners (or is missing where the config names the file); run `promptreg codeowners`.",
    options: none,
  }),
} as const satisfies Record<RuleCode, RuleDefinition>;

/** The options type of one rule, with defaults applied. */
export type RuleOptions<Code extends RuleCode> = z.output<(typeof RULES)[Code]["options"]>;

export function isRuleCode(value: string): value is RuleCode {
  return Object.hasOwn(RULES, value);
}
