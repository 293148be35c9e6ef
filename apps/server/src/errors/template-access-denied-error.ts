import { ServerError } from "./server-error.js";

const marker = Symbol.for("promptreg.server.TemplateAccessDeniedError");

/** The client is restricted to some template id prefixes and asked for another template. */
export class TemplateAccessDeniedError extends ServerError {
  readonly [marker] = true;
  readonly templateId: string;
  readonly allowedPrefixes: readonly string[];

  constructor({ templateId, allowedPrefixes }: { templateId: string; allowedPrefixes: readonly string[] }) {
    super({
      type: "permission_denied",
      code: "template_not_allowed",
      message: `This client may not use template "${templateId}": it is limited to ids starting with ${allowedPrefixes
        .map((prefix) => `"${prefix}"`)
        .join(", ")}. Ask the service operator to extend allowedTemplates for this key.`,
      details: { templateId, allowedPrefixes: [...allowedPrefixes] },
    });
    this.name = "TemplateAccessDeniedError";
    this.templateId = templateId;
    this.allowedPrefixes = allowedPrefixes;
  }

  static override isInstance(value: unknown): value is TemplateAccessDeniedError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
