const marker = Symbol.for("promptreg.server.ConfigError");

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** The environment is invalid; thrown once at start-up, never at request time. */
export class ConfigError extends Error {
  readonly [marker] = true;
  readonly code = "invalid_config";
  readonly issues: ConfigIssue[];

  constructor({ issues }: { issues: ConfigIssue[] }) {
    super(
      `Invalid configuration:\n${issues.map((issue) => `  ${issue.variable}: ${issue.message}`).join("\n")}\nSee docs/operations.md for every variable.`,
    );
    this.name = "ConfigError";
    this.issues = issues;
  }

  static isInstance(value: unknown): value is ConfigError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
