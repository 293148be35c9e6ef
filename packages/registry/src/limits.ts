/**
 * Budgets the loader enforces so a bad or hostile tree fails fast with a positioned problem instead of exhausting
 * time, memory or the stack. Documented in docs/template-format.md (Limits) and docs/security.md (Budgets and
 * limits); a test keeps the first table identical to this object.
 */
export const LIMITS = Object.freeze({
  /** Largest template, labels or partial file, in bytes (256 KiB). */
  maxFileBytes: 256 * 1024,
  /**
   * Most files in one template tree (the whole listing, ignored files included): room for 10,000 versions with
   * their labels files and partials, the size the bundle and incremental-reload benchmarks measure.
   */
  maxFiles: 20_000,
  /** Most YAML alias uses per file (yaml's `maxAliasCount`). */
  maxAliasCount: 100,
  /**
   * Deepest nesting of mappings and sequences in one file (the top-level mapping is depth 1), and of any value in a
   * bundled template. Every later step (schema checks, content hash, freezing) walks values recursively.
   */
  maxNestingDepth: 64,
  /** Deepest nesting of schemas in `input` or `output` (each `properties.<name>` or `items` step is one level). */
  maxSchemaDepth: 32,
  /**
   * Problems reported per file; beyond it one `too_many_problems` problem says how many more there were. Bounds the
   * work of "did you mean" suggestions, whose cost grows with the number of candidates.
   */
  maxProblemsPerFile: 100,
});
