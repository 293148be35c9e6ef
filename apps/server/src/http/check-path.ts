import { InvalidPathError } from "../errors/invalid-path-error.js";

/**
 * Refuses a path whose percent-escapes do not decode (`%`, `%zz`, escapes that are not UTF-8) with a 400 before any
 * route decodes it: the router would throw a URIError, which used to become a 500 with a stack in the log.
 */
export function checkPath(path: string): void {
  if (path.includes("%")) {
    try {
      decodeURIComponent(path);
    } catch {
      throw new InvalidPathError({ path });
    }
  }
}
