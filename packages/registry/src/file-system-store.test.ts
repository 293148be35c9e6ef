import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createFileSystemStore } from "./file-system-store.js";

// Names whose order by code units differs from a plain comparison of whole paths ("a-b" sorts after "a/..." in list()
// order but before it as a string), plus hidden and partial files.
const segment = fc.constantFrom(
  "a",
  "a-b",
  "a.b",
  "B",
  "b",
  "_partials",
  ".hidden",
  "1.0.0.yaml",
  "labels.yaml",
  "é",
);
const relativePath = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => segments.join("/"));

async function writeAll(root: string, files: Iterable<string>) {
  for (const file of files) {
    await mkdir(path.join(root, path.dirname(file)), { recursive: true });
    await writeFile(path.join(root, file), file);
  }
}

describe("createFileSystemStore listChanged", () => {
  it("gives what list() gives, in the same order, looking only at the changed paths", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(relativePath, { maxLength: 12 }),
        fc.uniqueArray(relativePath, { maxLength: 6 }),
        fc.uniqueArray(relativePath, { maxLength: 4 }),
        async (initial, added, removed) => {
          const root = await mkdtemp(path.join(tmpdir(), "promptreg-list-changed-"));
          try {
            // A path can be a file in one list and a directory in another: keep those writes that succeed.
            await writeAll(root, initial).catch(() => undefined);
            const store = createFileSystemStore(root);
            const previous = await store.list();
            for (const file of removed) {
              // A path under what is a file is not there to remove (ENOTDIR).
              await rm(path.join(root, file), { recursive: true, force: true }).catch(() => undefined);
            }
            await writeAll(root, added).catch(() => undefined);
            const changed = [...removed, ...added];
            const incremental = await store.listChanged!(previous, changed);
            expect(incremental).toEqual(await createFileSystemStore(root).list());
          } finally {
            await rm(root, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 240_000);
});

describe("createFileSystemStore list", () => {
  it("lists a directory of more files than it stats at once in order, each with its own size, beside subdirectories", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "promptreg-list-"));
    try {
      // Three-digit names sort as numbers do; every fifth name is a directory holding one file, between the files.
      const expected: { path: string; size: number }[] = [];
      for (let index = 0; index < 100; index++) {
        const name = String(index).padStart(3, "0");
        const file = index % 5 === 0 ? `t/${name}/1.0.0.yaml` : `t/${name}.yaml`;
        await mkdir(path.join(root, path.dirname(file)), { recursive: true });
        await writeFile(path.join(root, file), "x".repeat(index));
        expected.push({ path: file, size: index });
      }
      const listed = await createFileSystemStore(root).list();
      expect(listed.map(({ path, size }) => ({ path, size }))).toEqual(expected);
      expect(listed.every((file) => file.kind === "template" && file.mtimeMs !== undefined)).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
