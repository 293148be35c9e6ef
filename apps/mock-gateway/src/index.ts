export { IdempotencyConflictError } from "./errors/idempotency-conflict-error.js";
export { InvalidCliArgumentError } from "./errors/invalid-cli-argument-error.js";
export { InvalidFaultStepError } from "./errors/invalid-fault-step-error.js";
export { InvalidOptionsError } from "./errors/invalid-options-error.js";
export { InvalidRequestError } from "./errors/invalid-request-error.js";
export { InvalidScenarioError, type ScenarioIssue } from "./errors/invalid-scenario-error.js";
export { ListenError } from "./errors/listen-error.js";
export {
  MOCK_GATEWAY_ERROR_CODES,
  MockGatewayError,
  type MockGatewayErrorCode,
} from "./errors/mock-gateway-error.js";
export { ReplySchemaError } from "./errors/reply-schema-error.js";
export type { MockGatewayStats } from "./faults/fault-selector.js";
export type { ErrorStatus, FaultStep, RetryAfterSpec } from "./faults/fault-step.js";
export { parseFaultStep, parseFaultSteps } from "./faults/parse-fault-steps.js";
export { DEFAULT_IDEMPOTENCY_BUDGET, type IdempotencyBudget } from "./idempotency-store.js";
export { DEFAULT_FAULT_KINDS, DEFAULT_MODELS, type MockGatewayOptions } from "./options.js";
export { jsonFromSchema } from "./reply/json-from-schema.js";
export { MOCK_PRICE } from "./reply/usage.js";
export { loadScenarioFile, parseScenario, type Scenario, scenarioSchema } from "./scenario.js";
export {
  createMockGateway,
  createMockGatewayHandler,
  type MockGateway,
  type MockGatewayHandler,
} from "./server.js";
