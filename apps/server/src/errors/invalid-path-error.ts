import { hasBrand } from "@promptreg/core";
import { ServerError } from "./server-error.js";

const marker = Symbol.for("promptreg.server.InvalidPathError");

/** The request path has a malformed percent-escape (`%` not followed by two hex digits, or escapes that are not UTF-8). */
export class InvalidPathError extends ServerError {
  readonly [marker] = true;

  constructor({ path }: { path: string }) {
    const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
    super({
      type: "invalid_request",
      code: "invalid_path",
      message: `The path ${JSON.stringify(shown)} has a malformed percent-escape; encode each reserved or non-ASCII byte of an id as %XX of its UTF-8 bytes (encodeURIComponent).`,
      details: { path: shown },
    });
    this.name = "InvalidPathError";
  }

  static override isInstance(value: unknown): value is InvalidPathError {
    return hasBrand(value, marker);
  }
}
