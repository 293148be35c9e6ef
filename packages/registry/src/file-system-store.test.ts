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
