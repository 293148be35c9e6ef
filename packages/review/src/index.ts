// The public API of @promptreg/review. Anything not named here is private.

export { GIT_ERROR_CODES, GitError, type GitErrorCode } from "./errors/git-error.js";
export { REVIEW_ERROR_CODES, ReviewError, type ReviewErrorCode } from "./errors/review-error.js";
export { type ExampleRender, type RenderedSide, RendererCache, renderExamples } from "./example-renders.js";
export {
  findRepositoryTop,
  type GitTree,
  invalidRefReason,
  prefixInRepository,
  readGitTree,
  resolveCommit,
  type SkippedFile,
} from "./git-tree.js";
export { describeChange, formatMarkdown, MARKDOWN_BUDGET_CHARS } from "./markdown-report.js";
export { estimatePrompt, type PromptEstimate, reviewPriceTable } from "./prompt-estimate.js";
export {
  type PolicyResult,
  REVIEW_FORMAT,
  type ReviewFinding,
  type ReviewReport,
  reviewRevisions,
  type TemplateReview,
  type VersionReview,
} from "./review.js";
export { checkReviewPolicy, type PolicySide } from "./review-policy.js";
export {
  loadGitRevision,
  loadTreeRevision,
  loadWorkingTreeRevision,
  type Revision,
} from "./revision.js";
export {
  compareSchemas,
  isBreaking,
  SCHEMA_CHANGE_KINDS,
  type SchemaChange,
  type SchemaChangeKind,
  type SchemaSide,
} from "./schema-compat.js";
export {
  type Bump,
  bumpOf,
  type ClassifiedSchemaChange,
  diffRegistries,
  diffVersions,
  type LabelMove,
  type MessageDiff,
  type PartialChange,
  predecessorOf,
  type RegistryDiff,
  type StatusChange,
  type TemplateChange,
  type ValueChange,
  type VersionDiff,
} from "./template-diff.js";
export { type DiffPart, lineDiffBlock, wordDiff } from "./text-diff.js";
