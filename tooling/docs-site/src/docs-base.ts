import { DocsConfigError } from "./errors/docs-config-error.js";

/**
 * The site's base path from DOCS_BASE: `/` when unset, else a path that starts and ends with `/`
 * (`/wiki/promptreg/`). Refused rather than repaired, because a wrong base gives a site whose every link 404s.
 */
export function resolveDocsBase(value: string | undefined): string {
  if (value === undefined || value === "") return "/";
  const problem = !value.startsWith("/")
    ? "must start with '/'"
    : !value.endsWith("/")
      ? "must end with '/'"
      : /[\s?#\\]|\/\//.test(value)
        ? "must be a plain path (no spaces, '?', '#', '\\\\' or '//')"
        : undefined;
  if (problem) {
    throw new DocsConfigError({
      variable: "DOCS_BASE",
      problem: `${problem} (got ${JSON.stringify(value)})`,
      fix: 'Set it to the path the site is served under, e.g. DOCS_BASE=/wiki/promptreg/, or unset it for "/".',
    });
  }
  return value;
}
