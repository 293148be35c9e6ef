/** Every code the docs build's errors carry; closed, so callers narrow on `error.code`. */
export const DOCS_ERROR_CODES = {
  /** `DocsConfigError`: a docs build setting (an environment variable) that cannot work. */
  invalid_docs_config: "invalid_docs_config",
  /** `DocsInputError`: an input file of the build (the benchmark history) that cannot be read. */
  invalid_docs_input: "invalid_docs_input",
} as const;

export type DocsErrorCode = keyof typeof DOCS_ERROR_CODES;
