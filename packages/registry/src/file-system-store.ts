import { readdir, readFile, realpath, stat } from "node:fs/promises";
import nodePath from "node:path";
import { StoreError } from "./errors/store-error.js";
import { LIMITS } from "./limits.js";
import { classifyPath, type StoredFile, type TemplateStore, unsafePathReason } from "./store.js";
import { decodeStoredFile } from "./utf8.js";

function isInside(root: string, candidate: string): boolean {
  const relative = nodePath.relative(root, candidate);
  return relative === "" || (!relative.startsWith("..") && !nodePath.isAbsolute(relative));
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

  return {
    location: root,
    async list() {
      const base = await getRealRoot();
      const files: StoredFile[] = [];
      const visited = new Set<string>([base]);
      const walk = async (absolute: string, relative: string): Promise<void> => {
        const entries = await readdir(absolute, { withFileTypes: true });
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const entry of entries) {
          if (files.length > maxFiles) return;
          const childRelative = relative ? `${relative}/${entry.name}` : entry.name;
          const childAbsolute = nodePath.join(absolute, entry.name);
          let isDirectory = entry.isDirectory();
          let isFile = entry.isFile();
          if (entry.isSymbolicLink()) {
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
            await walk(childAbsolute, childRelative);
          } else if (isFile) {
            const classified = classifyPath(childRelative);
            const info = classified.kind === "ignored" ? undefined : await stat(childAbsolute);
            files.push({
              path: childRelative,
              ...classified,
              ...(info ? { size: info.size, mtimeMs: info.mtimeMs } : {}),
            });
          }
        }
      };
      await walk(base, "");
      return files;
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
