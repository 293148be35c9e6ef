import { escapeControl } from "@promptreg/core";
import { RegistryError } from "./registry-error.js";

export type StoreErrorCode =
  | "unsafe_path"
  | "file_too_large"
  | "file_not_found"
  | "store_read_failed"
  | "invalid_utf8"
  | "root_not_found";

/** A template store refused or failed to read a file. `path` is relative to the store root. */
export class StoreError extends RegistryError {
  static override readonly brand: symbol = Symbol.for("promptreg.registry.store-error");
  declare readonly code: StoreErrorCode;
  readonly path: string;
  /** What went wrong, without the path the message starts with: callers compose their own text from it. */
  readonly reason: string;
  /** Where in the file, when the problem is in its content (`invalid_utf8`). */
  readonly position?: { line: number; column: number };

  constructor({
    code,
    path,
    message,
    cause,
    position,
  }: {
    code: StoreErrorCode;
    path: string;
    message: string;
    cause?: unknown;
    position?: { line: number; column: number };
  }) {
    super({ code, message: `${escapeControl(path)}: ${message}`, cause });
    this.name = "StoreError";
    this.path = path;
    this.reason = message;
    if (position) this.position = position;
  }
}
