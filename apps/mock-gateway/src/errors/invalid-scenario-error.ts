import { MockGatewayError } from "./mock-gateway-error.js";

export interface ScenarioIssue {
  /** JSON path inside the scenario, e.g. "rules[1].match.model"; "" for the whole file. */
  path: string;
  message: string;
}

/** A scenario file cannot be read, parsed or validated. Thrown at start so a bad file never half-works. */
export class InvalidScenarioError extends MockGatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.mock-gateway.InvalidScenarioError");
  /** The file path, or "<inline>" when the scenario was passed as an object. */
  readonly file: string;
  readonly issues: readonly ScenarioIssue[];

  constructor(options: { file: string; issues: ScenarioIssue[]; cause?: unknown }) {
    const list = options.issues.map((issue) => `  - ${issue.path || "<root>"}: ${issue.message}`).join("\n");
    super({
      code: "invalid_scenario",
      message:
        `Invalid mock gateway scenario ${options.file}:\n${list}\n` +
        "Fix the listed fields; the scenario format is described in docs/mock-gateway.md (Scenario file).",
      cause: options.cause,
    });
    this.name = "InvalidScenarioError";
    this.file = options.file;
    this.issues = options.issues;
  }
}
