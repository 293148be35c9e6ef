import { escapeControl, quote } from "@promptreg/core";
import { RegistryError } from "./registry-error.js";

/** A template reference string (`id`, `id@1.2.0`, `id@^1`, `id@production`, ...) is malformed. */
export class InvalidReferenceError extends RegistryError {
  static override readonly brand: symbol = Symbol.for("promptreg.registry.invalid-reference-error");
  /** The reference as given. */
  readonly reference: string;
  /** 0-based index of the first offending character. */
  readonly position: number;
  readonly reason: string;

  constructor({ reference, position, reason }: { reference: string; position: number; reason: string }) {
    // The reference comes from callers: control characters are escaped so it cannot forge lines of output, and
    // the caret is placed under the escaped text.
    const shown = reference.length > 200 ? `${reference.slice(0, 200)}…` : reference;
    const escaped = escapeControl(shown);
    const caretAt = escapeControl(shown.slice(0, position)).length;
    const caret = position <= 200 ? `\n  ${escaped}\n  ${" ".repeat(caretAt)}^` : "";
    super({
      code: "invalid_reference",
      message:
        `Invalid template reference ${quote(shown)} at position ${position}: ${escapeControl(reason)}. ` +
        `Use "<id>", "<id>@<version>", "<id>@<range>" (e.g. ^1, ~1.2, >=1 <2), "<id>@<label>" or "<id>@latest", ` +
        `where <id> is lowercase segments [a-z0-9][a-z0-9-]* joined by "/".${caret}`,
    });
    this.name = "InvalidReferenceError";
    this.reference = reference;
    this.position = position;
    this.reason = reason;
  }
}
