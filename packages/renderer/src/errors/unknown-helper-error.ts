import { RenderError } from "./render-error.js";

/** A message calls a helper the renderer does not know. Raised when the message is compiled. */
export class UnknownHelperError extends RenderError {
  static override readonly brand: symbol = Symbol.for("promptreg.renderer.unknown-helper-error");
  readonly templateId: string;
  readonly version: string;
  readonly messageIndex: number;
  readonly helper: string;
  readonly line: number;
  readonly column: number;
  readonly partial?: string;
  readonly knownHelpers: readonly string[];

  constructor(options: {
    templateId: string;
    version: string;
    messageIndex: number;
    helper: string;
    line: number;
    column: number;
    partial?: string;
    knownHelpers: readonly string[];
    suggestion?: string;
  }) {
    const { templateId, version, messageIndex, helper, line, column, partial, knownHelpers, suggestion } =
      options;
    const where = partial
      ? `partial "${partial}" line ${line}, column ${column} (used by messages[${messageIndex}])`
      : `messages[${messageIndex}] line ${line}, column ${column}`;
    const hint = suggestion ? `Did you mean "${suggestion}"? ` : "";
    super({
      code: "unknown_helper",
      message:
        `${templateId}@${version}: unknown helper "${helper}" in ${where}. ${hint}` +
        `Known helpers: ${knownHelpers.join(", ")}. Register custom helpers with createRenderer({ helpers }).`,
    });
    this.name = "UnknownHelperError";
    this.templateId = templateId;
    this.version = version;
    this.messageIndex = messageIndex;
    this.helper = helper;
    this.line = line;
    this.column = column;
    if (partial !== undefined) this.partial = partial;
    this.knownHelpers = knownHelpers;
  }
}
