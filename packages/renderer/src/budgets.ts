/**
 * Every bound on the work one call to the renderer may do, in one place. Templates are written by many teams and
 * inputs and model replies are untrusted, so anything that can grow with them (nesting, expansion, output, scans)
 * stops at one of these with a typed error instead of hanging or crashing the process. docs/renderer.md lists each
 * with its number (a test keeps the two identical); docs/security.md links them into the service's list of limits.
 */
export const BUDGETS = Object.freeze({
  /** parseOutput: longest model reply it looks at, in UTF-16 code units (4x the service's 256 KiB body limit). */
  maxReplyChars: 1_048_576,
  /** parseOutput: deepest nesting of `[`/`{` in a JSON value it accepts or scans. */
  maxJsonDepth: 256,
  /** parseOutput: most JSON.parse attempts (fenced blocks, the whole reply, balanced spans) per reply. */
  maxJsonCandidates: 64,
  /** parseOutput: most characters the search for balanced spans reads per reply (4 passes over the largest). */
  maxScanChars: 4 * 1_048_576,
  /**
   * Templates: deepest nesting of blocks, partial blocks and sub-expressions, counted through included partials.
   * Checked before Handlebars parses a source (its parser is recursive and slow on deep nesting) and again through
   * partials at compile time, so a render's call stack stays far from Node's limit.
   */
  maxTemplateNesting: 64,
  /** Render: most partial inclusions (registry, inline, `{{> @partial-block}}`) per render. */
  maxPartialExpansions: 100_000,
  /** Render: most `{{#each}}` iterations (sections over arrays included) per render. */
  maxEachIterations: 100_000,
  /** Render: most characters of output, all messages together (UTF-16 code units). */
  maxRenderedChars: 4 * 1_048_576,
});

/** Names of the budgets, as carried by the errors that report one was exceeded. */
export type BudgetName = keyof typeof BUDGETS;
