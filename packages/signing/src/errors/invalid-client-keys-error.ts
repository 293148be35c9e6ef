import { SigningError } from "@promptreg/signing-core";

export interface ClientKeysIssue {
  /** Where the problem is: "entry 2" for the env format, a JSON path like "clients[0].secrets" for files, or "line 3, column 5". */
  location: string;
  message: string;
}

/**
 * Client credentials could not be parsed. The message and `issues` never contain secret material: parser
 * messages that quote the source text (JSON.parse, YAML) are replaced by positions only.
 */
export class InvalidClientKeysError extends SigningError {
  static override readonly brand: symbol = Symbol.for("promptreg.signing.InvalidClientKeysError");
  /** Label of the input, e.g. "PROMPTREG_CLIENT_KEYS" or a file path. */
  readonly source: string;
  readonly format: "env" | "json" | "yaml";
  readonly issues: readonly ClientKeysIssue[];

  constructor(options: { source: string; format: "env" | "json" | "yaml"; issues: ClientKeysIssue[] }) {
    const list = options.issues.map((issue) => `  - ${issue.location}: ${issue.message}`).join("\n");
    const fix =
      options.format === "env"
        ? 'Expected "keyId:secret,keyId2:secret2" (repeat a keyId to give it a second, rotated secret).'
        : 'Expected { "clients": [ { "keyId": "...", "secrets": ["..."] } ] } (see docs/security.md).';
    super({
      code: "invalid_client_keys",
      message: `Invalid client keys in ${options.source} (${options.format} format):\n${list}\n${fix}`,
    });
    this.name = "InvalidClientKeysError";
    this.source = options.source;
    this.format = options.format;
    this.issues = options.issues;
  }
}
