import { PromptregBaseError, type PromptregBaseErrorOptions } from "@promptreg/core";

/** Every code a `PolicyError` can carry; closed, so callers narrow on `error.code`. */
export const POLICY_ERROR_CODES = {
  /** promptreg.config.yaml cannot be used (`ConfigError`, with every problem and its position). */
  invalid_config: "invalid_config",
} as const;

export type PolicyErrorCode = keyof typeof POLICY_ERROR_CODES;

/** Base of every error the policy package throws; callers branch on `code`, never on the message. */
export class PolicyError extends PromptregBaseError<PolicyErrorCode> {
  static override readonly brand: symbol = Symbol.for("promptreg.policy.error");

  constructor(options: PromptregBaseErrorOptions<PolicyErrorCode>) {
    super(options);
    this.name = "PolicyError";
  }
}
