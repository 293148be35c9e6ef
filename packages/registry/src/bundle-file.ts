import { readFile } from "node:fs/promises";
import { type LoadBundleOptions, loadRegistryFromBundle } from "./bundle.js";
import { BundleError } from "./errors/bundle-error.js";
import type { Registry } from "./types.js";

/** JSON.parse of a bundle's text; text that is not JSON is a `BundleError` (`bundle_invalid`) naming `source`. */
export function parseBundleText(text: string, source = "bundle"): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new BundleError({
      code: "bundle_invalid",
      path: "",
      message: `${source} is not JSON (${(cause as Error).message}). Write it with promptreg build.`,
    });
  }
}

/** Parses a bundle's JSON text and rebuilds its registry (see `loadRegistryFromBundle`). */
export function loadRegistryFromBundleText(
  text: string,
  { source = "bundle", ...options }: LoadBundleOptions & { source?: string } = {},
): Registry {
  return loadRegistryFromBundle(parseBundleText(text, source), options);
}

/** Reads a bundle file written by `promptreg build` and rebuilds its registry; `bundle_unreadable` if it cannot. */
export async function loadRegistryFromBundleFile(
  file: string,
  options: LoadBundleOptions = {},
): Promise<Registry> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new BundleError({
      code: "bundle_unreadable",
      path: "",
      message: `cannot read ${file} (${(cause as NodeJS.ErrnoException).code ?? String(cause)}). Build it with promptreg build --out <dir>, or fix the path.`,
    });
  }
  return loadRegistryFromBundleText(text, { ...options, source: file });
}
