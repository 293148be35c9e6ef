import { ServerError } from "./server-error.js";

/** The request path has a malformed percent-escape (`%` not followed by two hex digits, or escapes that are not UTF-8). */
export class InvalidPathError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.InvalidPathError");

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
}
