import { lstat, readdir, readFile, realpath, stat } from "node:fs/promises";
import nodePath from "node:path";
import { StoreError } from "./errors/store-error.js";
import { LIMITS } from "./limits.js";
import { classifyPath, type StoredFile, type TemplateStore, unsafePathReason } from "./store.js";
import { decodeStoredFile } from "./utf8.js";

/** How many files of one directory are stat-ed at once while listing. */
const STAT_CONCURRENCY = 32;

function isInside(root: string, candidate: string): boolean {
  const relative = nodePath.relative(root, candidate);
  return relative === "" || (!relative.startsWith("..") && !nodePath.isAbsolute(relative));
}

/**
 * The order list() walks in: segment by segment, each compared by UTF-16 code units, a segment before any longer one
 * it starts. That is comparing the paths by code units with "/" below every other character (names hold no "/").
 */
function comparePaths(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    if (left !== right) return left === 47 ? -1 : right === 47 ? 1 : left - right;
  }
  return a.length - b.length;
}

/**
 * A store over a directory (usually `templates/`). Symlinks are followed only while they stay inside the root;
 * one that escapes is listed as `unsafe` and never read. Listing stops after `maxFiles + 1` entries so the
 * loader can report an oversized tree without walking all of it.
 */
export function createFileSystemStore(
  dir: string,
  { maxFiles = LIMITS.maxFiles }: { maxFiles?: number } = {},
): TemplateStore {
  const root = nodePath.resolve(dir);
  let realRoot: Promise<string> | undefined;
  const getRealRoot = () => {
    realRoot ??= realpath(root).then(async (real) => {
      if (!(await stat(real)).isDirectory()) throw new Error("not a directory");
      return real;
    });
    return realRoot.catch((cause: unknown) => {
      realRoot = undefined;
      throw new StoreError({
        code: "root_not_found",
        path: root,
        message:
          "the template directory does not exist or is not a directory; pass the folder that holds <id>/<version>.yaml files (usually templates/)",
        cause,
      });
    });
  };

  async function resolveSafely(path: string): Promise<string> {
    const reason = unsafePathReason(path);
    if (reason) throw new StoreError({ code: "unsafe_path", path, message: reason });
    const base = await getRealRoot();
    let real: string;
    try {
      real = await realpath(nodePath.join(root, ...path.split("/")));
    } catch (cause) {
      throw new StoreError({ code: "file_not_found", path, message: `cannot read under ${root}`, cause });
    }
    if (!isInside(base, real)) {
      throw new StoreError({
        code: "unsafe_path",
        path,
        message: "resolves (through a symlink) outside the template root",
      });
    }
    return real;
  }

  // Set by each full listing that met a symlink: a change seen through one path can then show under another, so
  // listChanged gives up and the caller lists everything.
  let sawSymlink = true;

  /** Appends the files under `absolute` (listed as `relative`) in list() order; false when it met a symlink. */
  const walk = async ({
    base,
    absolute,
    relative,
    files,
    visited,
  }: {
    base: string;
    absolute: string;
    relative: string;
    files: StoredFile[];
    visited: Set<string>;
  }): Promise<boolean> => {
    let clean = true;
    const entries = await readdir(absolute, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // A directory's files are stat-ed STAT_CONCURRENCY at a time, each into the place list() order gives it: one
    // after the other, a stat pass over 11,000 files spent half its time waiting on each round trip.
    const stats: Promise<void>[] = [];
    for (const entry of entries) {
      if (files.length > maxFiles) break;
      const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
      const childAbsolute = nodePath.join(absolute, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        clean = false;
        let target: string;
        try {
          target = await realpath(childAbsolute);
        } catch {
          files.push({ path: childRelative, kind: "unsafe", reason: "broken symlink" });
          continue;
        }
        if (!isInside(base, target)) {
          files.push({
            path: childRelative,
            kind: "unsafe",
            reason: "symlink points outside the template root",
          });
          continue;
        }
        if (visited.has(target)) continue;
        const info = await stat(target);
        isDirectory = info.isDirectory();
        isFile = info.isFile();
        if (isDirectory) visited.add(target);
      }
      if (isDirectory) {
        // Hidden directories (.git) are skipped without walking them.
        if (entry.name.startsWith(".")) continue;
        if (!(await walk({ base, absolute: childAbsolute, relative: childRelative, files, visited })))
          clean = false;
      } else if (isFile) {
        const slot = files.length;
        files.push({ path: childRelative, kind: "ignored" });
        const described = describeFile(childRelative, childAbsolute).then((file) => {
          files[slot] = file;
        });
        // Awaited below; until then a failure must not count as unhandled if the walk fails first.
        described.catch(() => {});
        stats.push(described);
        if (stats.length >= STAT_CONCURRENCY) await Promise.all(stats.splice(0));
      }
    }
    await Promise.all(stats);
    return clean;
  };

  const describeFile = async (relative: string, absolute: string): Promise<StoredFile> => {
    const classified = classifyPath(relative);
    const info = classified.kind === "ignored" ? undefined : await stat(absolute);
    return { path: relative, ...classified, ...(info ? { size: info.size, mtimeMs: info.mtimeMs } : {}) };
  };

  return {
    location: root,
    async list() {
      const base = await getRealRoot();
      const files: StoredFile[] = [];
      sawSymlink = !(await walk({ base, absolute: base, relative: "", files, visited: new Set([base]) }));
      return files;
    },
    async listChanged(previous, changed) {
      if (sawSymlink || previous.length > maxFiles) return undefined;
      const base = await getRealRoot();
      const paths = changed.map((raw) => raw.split(nodePath.sep).join("/"));
      if (paths.some((path) => unsafePathReason(path))) return undefined;
      // The previous listing, in its order, without what is at or under a changed path; then what is there now.
      const under = (file: StoredFile) =>
        paths.some((path) => file.path === path || file.path.startsWith(`${path}/`));
      const kept = previous.filter((file) => !under(file));
      const found = new Map<string, StoredFile>();
      for (const path of paths) {
        const segments = path.split("/");
        // list() never enters a hidden directory, so nothing under one is listed.
        if (segments.slice(0, -1).some((segment) => segment.startsWith("."))) continue;
        const absolute = nodePath.join(base, ...segments);
        let info: Awaited<ReturnType<typeof lstat>>;
        try {
          info = await lstat(absolute);
        } catch (error) {
          // Gone, or a parent is a file now: nothing is there.
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "ENOENT" || code === "ENOTDIR") continue;
          throw error;
        }
        if (info.isSymbolicLink()) return undefined;
        if (info.isDirectory()) {
          if (segments[segments.length - 1]!.startsWith(".")) continue;
          const files: StoredFile[] = [];
          const visited = new Set([base]);
          if (!(await walk({ base, absolute, relative: path, files, visited }))) return undefined;
          for (const file of files) found.set(file.path, file);
        } else if (info.isFile()) {
          found.set(path, await describeFile(path, absolute));
        }
      }
      if (kept.length + found.size > maxFiles) return undefined;
      // list() order (depth first, each directory's entries sorted by name): the few found files are merged in.
      const added = [...found.values()].sort((a, b) => comparePaths(a.path, b.path));
      const merged: StoredFile[] = [];
      let next = 0;
      for (const file of kept) {
        while (next < added.length && comparePaths(added[next]!.path, file.path) < 0)
          merged.push(added[next++]!);
        merged.push(file);
      }
      merged.push(...added.slice(next));
      return merged;
    },
    async read(path) {
      const real = await resolveSafely(path);
      const info = await stat(real);
      if (info.size > LIMITS.maxFileBytes) {
        throw new StoreError({
          code: "file_too_large",
          path,
          message: `file is larger than ${LIMITS.maxFileBytes} bytes`,
        });
      }
      let bytes: Buffer;
      try {
        bytes = await readFile(real);
      } catch (cause) {
        throw new StoreError({ code: "store_read_failed", path, message: String(cause), cause });
      }
      return decodeStoredFile(path, bytes);
    },
  };
}
