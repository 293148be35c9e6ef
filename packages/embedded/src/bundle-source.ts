import { readFile } from "node:fs/promises";
import {
  BundleError,
  bundleContentHash,
  loadRegistryFromBundle,
  parseBundleText,
  type Registry,
  type RegistryBundle,
} from "@promptreg/registry";
import { EmbeddedError } from "./errors/embedded-error.js";

/** A verified registry and the ETag naming its content (what `GET /v1/bundle` answers for it). */
export interface LoadedBundle {
  registry: Registry;
  etag: string;
  versionCount: number;
}

/**
 * Parses and verifies a bundle: shape, every version's content hash, partials and labels (schemas compile on first
 * use). Anything wrong is an `EmbeddedError` `bundle_rejected` whose cause is the registry's `BundleError`.
 */
export function verifyBundleText(text: string, source: string): LoadedBundle {
  let document: unknown;
  let registry: Registry;
  try {
    document = parseBundleText(text, source);
    registry = loadRegistryFromBundle(document, { schemas: "lazy" });
  } catch (cause) {
    if (!BundleError.isInstance(cause)) throw cause;
    throw new EmbeddedError({
      code: "bundle_rejected",
      source,
      message: `${cause.message} (${cause.code}); the previous bundle stays in use`,
      cause,
    });
  }
  const bundle = document as RegistryBundle;
  return {
    registry,
    etag: `"${bundleContentHash(bundle).slice("sha256:".length)}"`,
    versionCount: bundle.templates.length,
  };
}

/** Reads and verifies a bundle file shipped with the app (`promptreg build` writes it). */
export async function readBundleFile(file: string): Promise<LoadedBundle> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new EmbeddedError({
      code: "bundle_rejected",
      source: file,
      message: `cannot read the bundle file (${(cause as NodeJS.ErrnoException).code ?? String(cause)}); ship the file promptreg build writes (dist/promptreg/bundle.json) or fix bundleFile`,
      cause,
    });
  }
  return verifyBundleText(text, file);
}
