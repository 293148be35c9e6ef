import { ServerError } from "./server-error.js";

export interface RequestIssue {
  path: (string | number)[];
  message: string;
  code: string;
}

/** The request body is not valid JSON or does not have the shape the endpoint documents (400). */
export class RequestValidationError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.RequestValidationError");
  readonly issues: RequestIssue[];

  constructor({
    endpoint,
    issues,
    code = "invalid_body",
  }: { endpoint: string; issues: RequestIssue[]; code?: "invalid_body" | "invalid_json" }) {
    const list = issues.map(
      (issue) => `${issue.path.length ? issue.path.join(".") : "(body)"}: ${issue.message}`,
    );
    super({
      type: "invalid_request",
      code,
      message: `Invalid request body for ${endpoint}: ${list.join("; ")}. See GET /openapi.json for the expected shape.`,
      details: { issues },
    });
    this.name = "RequestValidationError";
    this.issues = issues;
  }
}
