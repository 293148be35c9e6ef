// The public API of @promptreg/test-kit (a private, test-only workspace package). Anything not named here is private.

export { createFakeSecretCommand, type FakeSecretCommand } from "./fake-secret-command.js";
export { freePort } from "./free-port.js";
export { type FencedBlock, parseFencedBlocks } from "./markdown-blocks.js";
export { markdownTableRows } from "./markdown-table-rows.js";
export {
  assertNonceStoreFollowsModel,
  fakeClock,
  type ModelledNonceStore,
  nonceEntry,
} from "./nonce-store-model.js";
export {
  REDIS_SERVER_COMMAND,
  type RedisHandle,
  type StartRedisOptions,
  startRedis,
} from "./redis-server.js";
export { type ProcessResult, type RunProcessOptions, runProcess } from "./run-process.js";
export {
  type ServerProcess,
  startServerExpectingExit,
  startServerProcess,
  startWorkerProcess,
} from "./server-process.js";
export { templateYaml } from "./template-yaml.js";
export { type ErrorClass, type ErrorGuard, rejectionOf, thrownBy } from "./thrown-by.js";
