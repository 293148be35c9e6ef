/**
 * Every `code` a `RegistryError` can carry: one closed map, so callers narrow on `error.code`. (Problems found while
 * loading templates are not thrown one by one: they are `Problem`s with `PROBLEM_CODES`, gathered in a
 * `RegistryLoadError`.)
 */
export const REGISTRY_ERROR_CODES = {
  /** `InvalidReferenceError`: a template reference that does not parse. */
  invalid_reference: "invalid_reference",
  /** `TemplateNotFoundError`: no such id, version or label. */
  template_not_found: "template_not_found",
  /** `RegistryLoadError`: the template tree has errors (`problems`). */
  registry_load_failed: "registry_load_failed",
  /** `BundleError`: a bundle file that cannot be read, is malformed, was altered after building, or holds invalid templates. */
  bundle_unreadable: "bundle_unreadable",
  bundle_invalid: "bundle_invalid",
  bundle_hash_mismatch: "bundle_hash_mismatch",
  bundle_content_invalid: "bundle_content_invalid",
  /** `StoreError`: a template store refused or failed to read a file. */
  unsafe_path: "unsafe_path",
  file_too_large: "file_too_large",
  file_not_found: "file_not_found",
  store_read_failed: "store_read_failed",
  invalid_utf8: "invalid_utf8",
  root_not_found: "root_not_found",
} as const;

export type RegistryErrorCode = keyof typeof REGISTRY_ERROR_CODES;
