import { StoreError } from "./errors/store-error.js";
import { LIMITS } from "./limits.js";
import { decodeStoredFile } from "./utf8.js";

/**
 * What a file in a template tree is, decided from its path alone:
 * - `template`: `<id>/<version>.yaml`   - `labels`: `<id>/labels.yaml`   - `partial`: `_partials/**\/*.hbs`
 * - `ignored`: anything under a top-level `_` or `.` entry, dot-files anywhere, and the root `promptreg.lock`
 * - `other`: any other file (the loader warns, or errors for `.yml`)
 * - `unsafe`: a path the store refuses to read (`..`, absolute, backslash, symlink escaping the root)
 */
export type StoredFileKind = "template" | "labels" | "partial" | "ignored" | "other" | "unsafe";

export interface StoredFile {
  /** Relative to the store root, "/"-separated. */
  path: string;
  kind: StoredFileKind;
  /** Size in bytes when the store knows it without reading (lets the loader skip oversize files). */
  size?: number;
  /**
   * Last modification time in ms when the store knows it without reading; with `size` it lets an incremental
   * reload (`createLoadCache`) skip reading unchanged files.
   */
  mtimeMs?: number;
  /** Why an `unsafe` file was refused. */
  reason?: string;
}

/** The narrow interface the loader reads templates through: file system now, bundles or HTTP later. */
export interface TemplateStore {
  /** A human-readable description of where the files come from (a directory, "memory", a URL). */
  readonly location: string;
  list(): Promise<StoredFile[]>;
  /**
   * What `list()` would return now, given what it returned before (`previous`) and the paths that changed since
   * (relative, "/"-separated, files or directories, created, modified or removed), looking at those paths only:
   * what a reload does when a file watcher reports the paths. Undefined when the store cannot be sure (a symlink
   * in the tree, a path it refuses, more files than it lists), so the caller lists in full. Optional.
   */
  listChanged?(
    previous: readonly StoredFile[],
    changed: readonly string[],
  ): Promise<StoredFile[] | undefined>;
  /**
   * Reads one listed file as UTF-8. Throws `StoreError` for unsafe paths, missing or oversize files, and
   * `invalid_utf8` (with its position) for bytes that are not UTF-8: never a silent U+FFFD.
   */
  read(path: string): Promise<string>;
}

/**
 * The lockfile of published versions' content hashes (written by `promptreg lock`) lives at the template root and
 * travels with the tree; the loader ignores it instead of warning about a file that is not a template.
 */
export const LOCKFILE_NAME = "promptreg.lock";

/** Why a relative path is unsafe to resolve against a root, or undefined when it is safe. */
export function unsafePathReason(path: string): string | undefined {
  if (path.includes("\\")) return "backslashes are not allowed in template paths; use /";
  if (path.startsWith("/") || /^[a-zA-Z]:/.test(path))
    return "absolute paths are not allowed; paths are relative to the template root";
  if (path.includes("\0")) return "NUL bytes are not allowed in paths";
  const segments = path.split("/");
  if (segments.some((segment) => segment === "..")) return '".." would leave the template root';
  if (segments.some((segment) => segment === "" || segment === "."))
    return 'empty or "." path segments are not allowed';
  return undefined;
}

/** Classifies a relative path; see `StoredFileKind`. */
export function classifyPath(path: string): Pick<StoredFile, "kind" | "reason"> {
  const reason = unsafePathReason(path);
  if (reason) return { kind: "unsafe", reason };
  const segments = path.split("/");
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  if (first === "_partials" && segments.length > 1 && last.endsWith(".hbs")) return { kind: "partial" };
  if (
    first.startsWith("_") ||
    first.startsWith(".") ||
    segments.some((s) => s.startsWith(".")) ||
    (segments.length === 1 && first === LOCKFILE_NAME)
  ) {
    return { kind: "ignored" };
  }
  if (segments.length < 2) return { kind: "other" };
  if (last === "labels.yaml") return { kind: "labels" };
  if (last.endsWith(".yaml")) return { kind: "template" };
  return { kind: "other" };
}

/**
 * An in-memory store: relative path -> file text, or raw bytes decoded as strict UTF-8 on read (an `invalid_utf8`
 * StoreError with the position, like the file system store). Used by tests, bundles, tools that generate templates,
 * and `promptreg review`, which loads git revisions from memory without a checkout.
 */
export function createMemoryStore(
  files: Record<string, string | Uint8Array> | ReadonlyMap<string, string | Uint8Array>,
  { location = "memory" }: { location?: string } = {},
): TemplateStore {
  const entries = new Map<string, string | Uint8Array>(files instanceof Map ? files : Object.entries(files));
  const sizeOf = (content: string | Uint8Array) =>
    typeof content === "string" ? Buffer.byteLength(content, "utf8") : content.byteLength;
  return {
    location,
    async list() {
      return [...entries.keys()].sort().map((path) => ({
        path,
        ...classifyPath(path),
        size: sizeOf(entries.get(path)!),
      }));
    },
    async read(path) {
      const reason = unsafePathReason(path);
      if (reason) throw new StoreError({ code: "unsafe_path", path, message: reason });
      const content = entries.get(path);
      if (content === undefined) {
        throw new StoreError({ code: "file_not_found", path, message: `no such file in ${location}` });
      }
      if (sizeOf(content) > LIMITS.maxFileBytes) {
        throw new StoreError({
          code: "file_too_large",
          path,
          message: `file is larger than ${LIMITS.maxFileBytes} bytes`,
        });
      }
      return typeof content === "string" ? content : decodeStoredFile(path, content);
    },
  };
}
