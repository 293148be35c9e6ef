import { PromptregBaseError } from "@promptreg/core";

/** Every code a `MockGatewayError` can carry; closed, so callers narrow on `error.code`. */
export const MOCK_GATEWAY_ERROR_CODES = {
  invalid_fault_step: "invalid_fault_step",
  invalid_scenario: "invalid_scenario",
  invalid_options: "invalid_options",
  invalid_request: "invalid_request",
  invalid_reply_schema: "invalid_reply_schema",
  invalid_cli_argument: "invalid_cli_argument",
  listen_failed: "listen_failed",
  idempotency_conflict: "idempotency_conflict",
} as const;

export type MockGatewayErrorCode = keyof typeof MOCK_GATEWAY_ERROR_CODES;

/** Base class of every error the mock gateway throws; callers branch on `code`, never on the message. */
export class MockGatewayError extends PromptregBaseError<MockGatewayErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.mock-gateway.MockGatewayError");

  constructor(options: { code: MockGatewayErrorCode; message: string; cause?: unknown }) {
    super(options);
    this.name = "MockGatewayError";
  }
}
