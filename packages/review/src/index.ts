// The public API of @promptreg/review. Anything not named here is private.

export { GIT_ERROR_CODES, GitError, type GitErrorCode } from "./errors/git-error.js";
export { ReviewError } from "./errors/review-error.js";
export {
  findRepositoryTop,
  type GitTree,
  invalidRefReason,
  prefixInRepository,
  readGitTree,
  resolveCommit,
  type SkippedFile,
} from "./git-tree.js";
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
