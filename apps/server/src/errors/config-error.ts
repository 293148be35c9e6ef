import { hasBrand, PromptregBaseError } from "@promptreg/core";

const marker = Symbol.for("promptreg.server.ConfigError");

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** The environment is invalid; thrown once at start-up, never at request time. */
export class ConfigError extends PromptregBaseError<"invalid_config"> {
  readonly [marker] = true;
  readonly issues: ConfigIssue[];

  constructor({ issues }: { issues: ConfigIssue[] }) {
    super({
      code: "invalid_config",
      message: `Invalid configuration:\n${issues.map((issue) => `  ${issue.variable}: ${issue.message}`).join("\n")}\nSee docs/operations.md for every variable.`,
    });
    this.name = "ConfigError";
    this.issues = issues;
  }

  static isInstance(value: unknown): value is ConfigError {
    return hasBrand(value, marker);
  }
}
