// The public API of @promptreg/embedded. Anything not named here is private.

export {
  createEmbeddedClient,
  EMBEDDED_DEFAULTS,
  type EmbeddedClient,
  type EmbeddedClientOptions,
  type EmbeddedState,
  type RefreshOutcome,
} from "./embedded-client.js";
export { EMBEDDED_ERROR_CODES, EmbeddedError, type EmbeddedErrorCode } from "./errors/embedded-error.js";
