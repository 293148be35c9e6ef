import { PromptregBaseError } from "@promptreg/core";

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** The environment is invalid; thrown once at start-up, never at request time. */
export class ConfigError extends PromptregBaseError<"invalid_config"> {
  static override readonly brand: symbol = Symbol.for("promptreg.server.ConfigError");
  readonly issues: ConfigIssue[];

  constructor({ issues }: { issues: ConfigIssue[] }) {
    super({
      code: "invalid_config",
      message: `Invalid configuration:\n${issues.map((issue) => `  ${issue.variable}: ${issue.message}`).join("\n")}\nSee docs/operations.md for every variable.`,
    });
    this.name = "ConfigError";
    this.issues = issues;
  }
}
