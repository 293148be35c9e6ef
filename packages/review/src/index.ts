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
