import { escapeControl } from "@promptreg/core";
import type { Problem } from "../types.js";
import { RegistryError } from "./registry-error.js";

export type BundleErrorCode =
  | "bundle_unreadable"
  | "bundle_invalid"
  | "bundle_hash_mismatch"
  | "bundle_content_invalid";

/** A registry bundle cannot be read, is malformed, was tampered with (hash mismatch), or holds invalid templates. */
export class BundleError extends RegistryError {
  static override readonly brand: symbol = Symbol.for("promptreg.registry.bundle-error");
  declare readonly code: BundleErrorCode;
  /** Where in the bundle, as a JSON path like `templates[3].hash`. */
  readonly path: string;
  readonly problems: readonly Problem[];

  constructor({
    code,
    path,
    message,
    problems = [],
  }: {
    code: BundleErrorCode;
    path: string;
    message: string;
    problems?: readonly Problem[];
  }) {
    super({
      code,
      message: `Invalid registry bundle at ${escapeControl(path || "<root>")}: ${escapeControl(message)}`,
    });
    this.name = "BundleError";
    this.path = path;
    this.problems = problems;
  }
}
