import { RenderError } from "./render-error.js";

/** One failing location of a render input. `path` is empty when the input as a whole is wrong. */
export interface InputIssue {
  path: (string | number)[];
  message: string;
  code: string;
}

/** The render input does not satisfy the template version's input schema. Lists every failing path. */
export class InputValidationError extends RenderError {
  static override readonly brand: symbol = Symbol.for("promptreg.renderer.input-validation-error");
  readonly templateId: string;
  readonly version: string;
  readonly issues: readonly InputIssue[];

  constructor({
    templateId,
    version,
    issues,
  }: { templateId: string; version: string; issues: InputIssue[] }) {
    const shown = issues.slice(0, 20).map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
    if (issues.length > shown.length) shown.push(`  - … and ${issues.length - shown.length} more`);
    super({
      code: "input_invalid",
      message:
        `Input for ${templateId}@${version} does not match its input schema (${issues.length} ` +
        `problem${issues.length === 1 ? "" : "s"}):\n${shown.join("\n")}\n` +
        `Fix the input, or see the schema with \`promptreg show ${templateId}@${version}\`.`,
    });
    this.name = "InputValidationError";
    this.templateId = templateId;
    this.version = version;
    this.issues = issues;
  }
}

/** `["items", 2, "name"]` -> `items[2].name`; the empty path is the input itself. */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "<input>";
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out === "" ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
