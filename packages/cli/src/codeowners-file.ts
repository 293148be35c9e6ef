import {
  CODEOWNERS_BEGIN,
  CODEOWNERS_CANDIDATES,
  checkCodeowners,
  codeownersSection,
} from "@promptreg/policy";
import type { Registry } from "@promptreg/registry";
import { type RepositoryContext, readOptionalFile, repositoryPath, rootRelative } from "./repository.js";

/**
 * The CODEOWNERS file promptreg keeps its section in (config path, relative to the repository root) and its text:
 * the config's `codeowners` when set; else the first of .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS holding
 * the section; else (`forWriting`) the first that exists, or .github/CODEOWNERS. Undefined: none to check.
 */
export async function findCodeowners(options: {
  context: RepositoryContext;
  forWriting: boolean;
}): Promise<{ file: string; text: string | undefined } | undefined> {
  const { context, forWriting } = options;
  const explicit = context.config.paths.codeowners;
  if (explicit !== undefined)
    return { file: explicit, text: await readOptionalFile(repositoryPath(context, explicit)) };
  let firstExisting: { file: string; text: string } | undefined;
  for (const file of CODEOWNERS_CANDIDATES) {
    const text = await readOptionalFile(repositoryPath(context, file));
    if (text === undefined) continue;
    if (text.includes(CODEOWNERS_BEGIN)) return { file, text };
    firstExisting ??= { file, text };
  }
  if (!forWriting) return undefined;
  return firstExisting ?? { file: CODEOWNERS_CANDIDATES[0], text: undefined };
}

/** promptreg's CODEOWNERS section for this repository (template paths relative to the repository root). */
export function repositorySection(options: { registry: Registry; context: RepositoryContext }): string {
  return codeownersSection({ registry: options.registry, templates: options.context.config.paths.templates });
}

/** `codeowners_stale` findings for `validate`; none when the repository keeps no promptreg section anywhere. */
export async function codeownersFindings(options: { registry: Registry; context: RepositoryContext }) {
  const found = await findCodeowners({ context: options.context, forWriting: false });
  if (found === undefined) return [];
  return checkCodeowners({
    text: found.text,
    file: rootRelative(options.context, found.file),
    name: found.file,
    section: repositorySection(options),
  });
}
