import { CliError } from "./cli-error.js";

/** `--example NAME` names an example the resolved template version does not have. */
export class ExampleNotFoundError extends CliError {
  static override readonly brand: symbol = Symbol.for("promptreg.cli.example-not-found-error");
  readonly templateId: string;
  readonly version: string;
  readonly example: string;
  readonly available: string[];

  constructor(options: { templateId: string; version: string; example: string; available: string[] }) {
    const where = `${options.templateId}@${options.version}`;
    const hint =
      options.available.length > 0
        ? `Use one of: ${options.available.join(", ")}.`
        : "This version has no examples; pass --input file.json or --input - instead.";
    super({
      code: "example_not_found",
      message: `${where} has no example named "${options.example}". ${hint}`,
    });
    this.name = "ExampleNotFoundError";
    this.templateId = options.templateId;
    this.version = options.version;
    this.example = options.example;
    this.available = options.available;
  }
}
