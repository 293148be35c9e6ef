// The public API of @promptreg/policy. Anything not named here is private.

export { lintAuthoring } from "./authoring-rules.js";
export {
  CODEOWNERS_BEGIN,
  CODEOWNERS_CANDIDATES,
  CODEOWNERS_END,
  checkCodeowners,
  codeownersSection,
  updateCodeowners,
} from "./codeowners.js";
export {
  CONFIG_FILE_NAME,
  defaultConfig,
  type ModelPriceSetting,
  type PolicyConfig,
  type PolicyPaths,
  parseConfig,
  type RuleSetting,
  type RuleSettings,
  withTemplateRoot,
} from "./config.js";
export { findConfigFile, findRepositoryRoot, type LoadedConfig, loadConfigFile } from "./config-file.js";
export { ConfigError, type ConfigProblem } from "./errors/config-error.js";
export { POLICY_ERROR_CODES, PolicyError, type PolicyErrorCode } from "./errors/policy-error.js";
export {
  buildLock,
  checkLock,
  formatLock,
  LOCK_FORMAT,
  type Lock,
  type LockedPartial,
  type LockedVersion,
  type LockUpdate,
  parseLock,
  updateLock,
} from "./lockfile.js";
export {
  checkModelParam,
  MODEL_PARAMS,
  type ParamVerdict,
  PROVIDER_FAMILIES,
  type ProviderFamily,
  providerFamily,
} from "./model-params.js";
export { isCodeOwner } from "./owners.js";
export { RULE_CODES, type RuleCode } from "./rule-codes.js";
export { applyRuleSettings, type RuleFinding } from "./rule-finding.js";
export {
  isRuleCode,
  RULE_SEVERITIES,
  RULES,
  type RuleDefinition,
  type RuleOptions,
  type RuleSeverity,
  type RuleStage,
} from "./rules.js";
export {
  checkSnapshots,
  formatSnapshot,
  renderSnapshots,
  type SnapshotExample,
  snapshotFile,
  type VersionSnapshot,
} from "./snapshots.js";
export { createPositionFinder, type Position, type PositionFinder } from "./source-positions.js";
export {
  isLocked,
  lockedContent,
  lockedContentHash,
  type PartialGraph,
  partialContentHash,
  partialGraph,
  versionPartials,
} from "./version-content.js";
