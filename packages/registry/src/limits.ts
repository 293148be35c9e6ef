/** Limits the loader enforces; documented in docs/template-format.md and tested. */
export const LIMITS = Object.freeze({
  /** Largest template, labels or partial file, in bytes (256 KiB). */
  maxFileBytes: 256 * 1024,
  /** Most files in one template tree (the whole listing, ignored files included). */
  maxFiles: 10_000,
  /** Most YAML alias uses per file (yaml's `maxAliasCount`). */
  maxAliasCount: 100,
});
