import type { StoredFile } from "./store.js";
import type { Problem, TemplateVersion } from "./types.js";
import type { ParsedYaml } from "./yaml-source.js";

/**
 * How close to the start of the scan that read it a file's mtime may be and still be trusted by a later reload
 * without reading the file again. File systems record mtimes with a granularity of up to 2 s (FAT; 1 s on ext3,
 * HFS+), so a file written in the same tick as the scan can change again without its mtime moving: such a
 * "racily clean" file is read again and compared by content (git's racy-clean rule).
 */
export const RACY_WINDOW_MS = 2_000;

interface FileEntry {
  size: number | undefined;
  mtimeMs: number | undefined;
  /** When the scan that read this text started (cache clock). */
  readAt: number;
  text: string;
}

interface BuildEntry {
  text: string;
  /** Every partial name the version reaches, transitively, with the source it was built with (undefined: missing). */
  partials: ReadonlyMap<string, string | undefined>;
  version: TemplateVersion;
  /** Warnings the build reported along with the version (a version is cached only when there was no error). */
  problems: Problem[];
}

/**
 * What one `checkRegistry` remembers for the next over the same store, so a reload of a large tree reads and
 * rebuilds only what changed: file texts (reused without reading when size and mtime are unchanged and the mtime
 * is older than the previous scan by more than `RACY_WINDOW_MS`), and built versions (reused when their text and
 * every partial they use are unchanged). Budget: it holds every file's text once plus the built versions the
 * registry holds anyway, so about the size of the template tree (bounded by `LIMITS.maxFiles` x
 * `LIMITS.maxFileBytes`); entries of files that disappear are dropped at the next load.
 */
export interface LoadCache {
  /** @internal */
  readonly files: Map<string, FileEntry>;
  /** @internal */
  readonly builds: Map<string, BuildEntry>;
  /** @internal The last complete listing, which changed paths are applied to. */
  listing: readonly StoredFile[] | undefined;
  /** @internal Parsed labels files by path, reused while their text is unchanged. */
  readonly labels: Map<string, { text: string; yaml: ParsedYaml }>;
  /** @internal */
  readonly now: () => number;
  /** @internal */
  readonly racyWindowMs: number;
}

export function createLoadCache({
  now = Date.now,
  racyWindowMs = RACY_WINDOW_MS,
}: {
  /** The clock compared with file mtimes (tests pass a fake one). */
  now?: () => number;
  racyWindowMs?: number;
} = {}): LoadCache {
  return { files: new Map(), builds: new Map(), listing: undefined, labels: new Map(), now, racyWindowMs };
}

/** The cached text of `file` if its size and mtime say it is unchanged and it was not racily clean when read. */
export function trustedText(cache: LoadCache, file: StoredFile): string | undefined {
  const entry = cache.files.get(file.path);
  if (!entry || file.size === undefined || file.mtimeMs === undefined) return undefined;
  if (entry.size !== file.size || entry.mtimeMs !== file.mtimeMs) return undefined;
  if (file.mtimeMs >= entry.readAt - cache.racyWindowMs) return undefined;
  return entry.text;
}

export function rememberText(
  cache: LoadCache,
  { file, text, scanStart }: { file: StoredFile; text: string; scanStart: number },
): void {
  cache.files.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, readAt: scanStart, text });
}

/** A version built earlier from the same text with the same partial sources, if there is one. */
export function reusableBuild(
  cache: LoadCache,
  { path, text, partials }: { path: string; text: string; partials: ReadonlyMap<string, string> },
): BuildEntry | undefined {
  const entry = cache.builds.get(path);
  if (!entry || entry.text !== text) return undefined;
  for (const [name, source] of entry.partials) if (partials.get(name) !== source) return undefined;
  return entry;
}

/** Forgets every file that is not in the listing any more (removed or renamed). */
export function pruneCache(cache: LoadCache, listed: ReadonlySet<string>): void {
  for (const path of cache.files.keys()) if (!listed.has(path)) cache.files.delete(path);
  for (const path of cache.builds.keys()) if (!listed.has(path)) cache.builds.delete(path);
  for (const path of cache.labels.keys()) if (!listed.has(path)) cache.labels.delete(path);
}
