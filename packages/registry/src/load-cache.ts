import { LIMITS } from "./limits.js";
import type { TemplateEntry } from "./registry.js";
import type { StoredFile } from "./store.js";
import type { PartialIndex } from "./template-version.js";
import type { Problem, TemplateId, TemplateVersion } from "./types.js";
import type { ParsedYaml } from "./yaml-source.js";

/**
 * How close to the start of the scan that read it a file's mtime may be and still be trusted by a later reload
 * without reading the file again. File systems record mtimes with a granularity of up to 2 s (FAT; 1 s on ext3,
 * HFS+), so a file written in the same tick as the scan can change again without its mtime moving: such a
 * "racily clean" file is read again and compared by content (git's racy-clean rule).
 */
export const RACY_WINDOW_MS = 2_000;

/** What a listed file is to the loader, decided from its path (and the store's kind and reason) alone. */
export type PathRole =
  | { kind: "template"; id: TemplateId; version: string }
  | { kind: "labels"; id: TemplateId }
  | { kind: "partial"; name: string }
  /** Ignored, or only reported (a wrong name, an unsafe path, an invalid id or version). */
  | { kind: "none" };

/** Something whose problems are part of a check's: a listed file, the partials, an id. */
export interface ProblemSource {
  problems: readonly Problem[];
}

interface FileText {
  text: string;
  size: number | undefined;
  mtimeMs: number | undefined;
  /** When the scan that read this text started (cache clock). */
  readAt: number;
}

interface BuildEntry {
  text: string;
  /**
   * Every partial name the build reaches, transitively, defined or not: it is built again when one of them changes.
   * Undefined for a build that failed after parsing: it may depend on any partial.
   */
  partials: ReadonlySet<string> | undefined;
  version?: TemplateVersion;
  /** Everything parsing and building reported. */
  problems: Problem[];
}

/** One listed file as the last check left it. Its problems: why it was not loaded (name, read) or nothing. */
export interface FileState extends ProblemSource {
  file: StoredFile;
  role: PathRole;
  /** The `LoadState.generation` of the last listing that held this file. */
  seen: number;
  /** Absent when it was not read or could not be (too large, not UTF-8). */
  text?: FileText;
  /** Templates: the last build, reused while the text is unchanged. */
  build?: BuildEntry;
  /** Labels files: the parsed text, reused while it is unchanged. */
  yaml?: { text: string; yaml: ParsedYaml };
}

/** One template id: its files and what they load to. Its problems: its templates' and labels file's. */
export interface IdState extends ProblemSource {
  templates: Set<FileState>;
  labelsFile?: FileState;
  versions: TemplateVersion[];
  labels?: Record<string, string>;
}

/** What one check leaves for the next; replaced by an empty one when a check fails half-way. */
export interface LoadState {
  /** Counts listings, to find the files a listing no longer holds. */
  generation: number;
  /** The last complete listing, which changed paths are applied to. */
  listing: readonly StoredFile[] | undefined;
  readonly files: Map<string, FileState>;
  readonly ids: Map<TemplateId, IdState>;
  partials: PartialIndex;
  readonly partialProblems: ProblemSource;
  /** The sources with at least one problem: a check's problems are theirs. */
  readonly withProblems: Set<ProblemSource>;
  /** Ids whose versions or labels changed since `entries` was built. */
  readonly staleIds: Set<TemplateId>;
  /** The last registry's entries and sorted ids, which the next registry shares where nothing changed. */
  entries: ReadonlyMap<TemplateId, TemplateEntry>;
  sortedIds: readonly TemplateId[];
}

/**
 * What one `checkRegistry` remembers for the next over the same store, so a reload of a large tree reads, rebuilds
 * and indexes only what changed: file texts (reused without reading when size and mtime are unchanged and the mtime
 * is older than the previous scan by more than `RACY_WINDOW_MS`), built versions (reused when their text and every
 * partial they use are unchanged), each id's outcome and registry entry (reused when none of its files changed).
 * Budget: it holds every file's text once plus the built versions the registry holds anyway, so about the size of
 * the template tree (bounded by `LIMITS.maxFiles` x `LIMITS.maxFileBytes`); entries of files that disappear are
 * dropped at the next load.
 */
export interface LoadCache {
  /** @internal */
  state: LoadState;
  /** @internal */
  readonly now: () => number;
  /** @internal */
  readonly racyWindowMs: number;
}

export function emptyLoadState(): LoadState {
  return {
    generation: 0,
    listing: undefined,
    files: new Map(),
    ids: new Map(),
    partials: { sources: new Map(), graph: new Map() },
    partialProblems: { problems: [] },
    withProblems: new Set(),
    staleIds: new Set(),
    entries: new Map(),
    sortedIds: [],
  };
}

export function createLoadCache({
  now = Date.now,
  racyWindowMs = RACY_WINDOW_MS,
}: {
  /** The clock compared with file mtimes (tests pass a fake one). */
  now?: () => number;
  racyWindowMs?: number;
} = {}): LoadCache {
  return { state: emptyLoadState(), now, racyWindowMs };
}

/** The text of `state` if its file's size and mtime say it is unchanged since it was read, and it was not racily clean. */
export function trustedText(cache: LoadCache, state: FileState): string | undefined {
  const { file, text } = state;
  // An oversize file is read again, to be reported.
  if (!text || file.size === undefined || file.mtimeMs === undefined || file.size > LIMITS.maxFileBytes)
    return undefined;
  if (text.size !== file.size || text.mtimeMs !== file.mtimeMs) return undefined;
  if (file.mtimeMs >= text.readAt - cache.racyWindowMs) return undefined;
  return text.text;
}

export function rememberText(
  state: FileState,
  { text, scanStart }: { text: string; scanStart: number },
): void {
  state.text = { text, size: state.file.size, mtimeMs: state.file.mtimeMs, readAt: scanStart };
}

/** Sets what `source` reports, keeping `withProblems` in step. */
export function setProblems(state: LoadState, source: ProblemSource, problems: readonly Problem[]): void {
  source.problems = problems;
  if (problems.length > 0) state.withProblems.add(source);
  else state.withProblems.delete(source);
}
