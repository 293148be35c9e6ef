import { RegistryError } from "./registry-error.js";

const marker = Symbol.for("promptreg.registry.store-error");

export type StoreErrorCode =
  | "unsafe_path"
  | "file_too_large"
  | "file_not_found"
  | "store_read_failed"
  | "root_not_found";

/** A template store refused or failed to read a file. `path` is relative to the store root. */
export class StoreError extends RegistryError {
  protected readonly [marker] = true;
  declare readonly code: StoreErrorCode;
  readonly path: string;

  constructor({
    code,
    path,
    message,
    cause,
  }: { code: StoreErrorCode; path: string; message: string; cause?: unknown }) {
    super({ code, message: `${path}: ${message}`, cause });
    this.name = "StoreError";
    this.path = path;
  }

  static override isInstance(value: unknown): value is StoreError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
