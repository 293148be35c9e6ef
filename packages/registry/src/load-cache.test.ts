import { mkdir, mkdtemp, readdir, rm, rmdir, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createFileSystemStore } from "./file-system-store.js";
import { type CheckResult, checkRegistry } from "./load.js";
import { createLoadCache } from "./load-cache.js";
import { createMemoryStore, type TemplateStore } from "./store.js";

function template({ id, version, body }: { id: string; version: string; body: string }): string {
  return `id: ${id}
version: ${version}
description: A template for the incremental reload tests.
owners: [team@example.com]
status: published
changelog: First.
model: { name: openai/gpt-4o-mini }
input:
  type: object
  properties: { name: { type: string } }
  required: [name]
messages:
  - role: user
    content: "${body}"
examples:
  - name: one
    input: { name: Ann }
`;
}

/** What a check says, in a form two checks can be compared by: versions with hashes, labels, partials, problems. */
function outcome(result: CheckResult) {
  const registry = result.registry;
  return {
    problems: result.problems,
    versions: registry
      ? [...registry.templates()].map((v) => `${v.id}@${v.version} ${v.hash} ${v.source.path}`)
      : [],
    labels: registry ? Object.fromEntries(registry.ids().map((id) => [id, registry.labels(id)])) : {},
    partials: registry ? Object.fromEntries(registry.partials) : {},
  };
}

const IDS = ["a/one", "a/two", "b"] as const;
const VERSIONS = ["1.0.0", "1.1.0", "2.0.0"] as const;
const BODIES = [
  "Hello {{name}}.",
  "Hi {{name}}. {{> sig}}",
  "Hey {{name}}. {{> tone}}",
  "Broken {{name",
] as const;

type Edit =
  | { kind: "template"; id: string; version: string; body: string }
  | { kind: "yaml-error"; id: string; version: string }
  | { kind: "remove"; index: number }
  | { kind: "rename"; index: number; version: string }
  | { kind: "labels"; id: string; target: string }
  | { kind: "partial"; name: "sig" | "tone"; source: string }
  | { kind: "remove-partial"; name: "sig" | "tone" };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant("template" as const),
    id: fc.constantFrom(...IDS),
    version: fc.constantFrom(...VERSIONS),
    body: fc.constantFrom(...BODIES),
  }),
  fc.record({
    kind: fc.constant("yaml-error" as const),
    id: fc.constantFrom(...IDS),
    version: fc.constantFrom(...VERSIONS),
  }),
  fc.record({ kind: fc.constant("remove" as const), index: fc.nat() }),
  fc.record({ kind: fc.constant("rename" as const), index: fc.nat(), version: fc.constantFrom(...VERSIONS) }),
  fc.record({
    kind: fc.constant("labels" as const),
    id: fc.constantFrom(...IDS),
    target: fc.constantFrom(...VERSIONS, "9.9.9"),
  }),
  fc.record({
    kind: fc.constant("partial" as const),
    name: fc.constantFrom("sig" as const, "tone" as const),
    source: fc.constantFrom("Sign as Support.", "Sign as Sales.", "Calm. {{> sig}}", "Loop {{> tone}}"),
  }),
  fc.record({
    kind: fc.constant("remove-partial" as const),
    name: fc.constantFrom("sig" as const, "tone" as const),
  }),
);

function apply(files: Map<string, string>, edit: Edit): void {
  const templatePaths = () => [...files.keys()].filter((p) => /\d\.yaml$/.test(p)).sort();
  switch (edit.kind) {
    case "template":
      files.set(`${edit.id}/${edit.version}.yaml`, template(edit));
      break;
    case "yaml-error":
      files.set(`${edit.id}/${edit.version}.yaml`, "id: [unclosed\n");
      break;
    case "remove": {
      const paths = templatePaths();
      if (paths.length > 0) files.delete(paths[edit.index % paths.length]!);
      break;
    }
    case "rename": {
      const paths = templatePaths();
      if (paths.length === 0) break;
      const from = paths[edit.index % paths.length]!;
      const text = files.get(from)!;
      files.delete(from);
      files.set(from.replace(/[^/]+\.yaml$/, `${edit.version}.yaml`), text);
      break;
    }
    case "labels":
      files.set(`${edit.id}/labels.yaml`, `production: ${edit.target}\n`);
      break;
    case "partial":
      files.set(`_partials/${edit.name}.hbs`, edit.source);
      break;
    case "remove-partial":
      files.delete(`_partials/${edit.name}.hbs`);
      break;
  }
}

describe("incremental reload (createLoadCache)", () => {
  it("gives exactly what a full load gives, after any sequence of edits", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 25 }), async (edits) => {
        const files = new Map<string, string>([
          ["_partials/sig.hbs", "Sign as Support."],
          ["a/one/1.0.0.yaml", template({ id: "a/one", version: "1.0.0", body: BODIES[1] })],
          ["b/1.0.0.yaml", template({ id: "b", version: "1.0.0", body: BODIES[0] })],
        ]);
        const cache = createLoadCache();
        await checkRegistry({ store: createMemoryStore(files), cache });
        for (const edit of edits) {
          apply(files, edit);
          const incremental = await checkRegistry({ store: createMemoryStore(files), cache });
          const full = await checkRegistry({ store: createMemoryStore(files) });
          expect(outcome(incremental)).toEqual(outcome(full));
        }
      }),
      {
        numRuns: 60,
        examples: [
          // Found by this property: a partial that includes one not defined yet, which is then defined. The version
          // built before must not be reused (its hash now covers the new partial).
          [
            [
              { kind: "partial", name: "sig", source: "Loop {{> tone}}" },
              { kind: "partial", name: "tone", source: "Sign as Support." },
            ],
          ],
        ],
      },
    );
    // Each run loads the tree twice per edit; on the loaded shared box that passes vitest's 5 s default, and beside the
    // package's other test files at load ~20 it took 65 s.
  }, 240_000);
});

describe("incremental reload from the file system", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A store that counts reads, over a real directory. */
  function countingStore(root: string) {
    const inner = createFileSystemStore(root);
    const reads: string[] = [];
    const store: TemplateStore = {
      location: inner.location,
      list: () => inner.list(),
      read: (file) => {
        reads.push(file);
        return inner.read(file);
      },
    };
    return { store, reads };
  }

  it("reuses files whose size and old mtime are unchanged, and re-reads racily clean ones by content", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "promptreg-incremental-"));
    const old = path.join(dir, "old/1.0.0.yaml");
    const fresh = path.join(dir, "fresh/1.0.0.yaml");
    await mkdir(path.dirname(old), { recursive: true });
    await mkdir(path.dirname(fresh), { recursive: true });
    await writeFile(old, template({ id: "old", version: "1.0.0", body: "Hello {{name}}." }));
    await writeFile(fresh, template({ id: "fresh", version: "1.0.0", body: "Hello {{name}}." }));
    // The clock of the cache is fake; mtimes are set to known points relative to it.
    const scan = 1_800_000_000_000;
    let clock = scan;
    await utimes(old, new Date(scan - 60_000), new Date(scan - 60_000));
    await utimes(fresh, new Date(scan - 500), new Date(scan - 500));
    const cache = createLoadCache({ now: () => clock });
    const { store, reads } = countingStore(dir);
    await checkRegistry({ store, cache });
    expect(reads.sort()).toEqual(["fresh/1.0.0.yaml", "old/1.0.0.yaml"]);

    // Edited within the mtime granularity: same size, same mtime. Only its content can tell.
    const freshMtime = (await stat(fresh)).mtime;
    await writeFile(fresh, template({ id: "fresh", version: "1.0.0", body: "Howdy {{name}}." }));
    await utimes(fresh, freshMtime, freshMtime);
    clock = scan + 10_000;
    reads.length = 0;
    const second = await checkRegistry({ store, cache });
    expect(reads).toEqual(["fresh/1.0.0.yaml"]);
    expect(second.registry?.get("fresh", "1.0.0")?.messages[0]?.content).toBe("Howdy {{name}}.");
    expect(second.registry?.get("old", "1.0.0")).toBe(
      (await checkRegistry({ store, cache })).registry?.get("old", "1.0.0"),
    );

    // Read at scan + 10 s, its mtime (scan - 500 ms) is now old enough to trust.
    reads.length = 0;
    await checkRegistry({ store, cache });
    expect(reads).toEqual([]);

    // A removed file disappears; a changed size is read again.
    await rm(path.dirname(old), { recursive: true });
    await writeFile(fresh, template({ id: "fresh", version: "1.0.0", body: "Good day, {{name}}." }));
    const third = await checkRegistry({ store, cache });
    expect(third.registry?.ids()).toEqual(["fresh"]);
    expect(third.registry?.get("fresh", "1.0.0")?.messages[0]?.content).toBe("Good day, {{name}}.");
  });
});

describe("incremental reload with the changed paths known (a watcher's report)", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Makes the directory hold exactly `files`; returns what changed as a watcher reports it (a removed directory as itself). */
  async function sync(root: string, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>) {
    const changed = new Set<string>();
    for (const [file, text] of after) {
      if (before.get(file) === text) continue;
      await mkdir(path.join(root, path.dirname(file)), { recursive: true });
      await writeFile(path.join(root, file), text);
      changed.add(file);
    }
    for (const file of before.keys()) {
      if (after.has(file)) continue;
      await rm(path.join(root, file));
      const parent = path.dirname(file);
      if ((await readdir(path.join(root, parent))).length === 0 && parent !== "_partials") {
        await rmdir(path.join(root, parent));
        changed.add(parent);
      } else changed.add(file);
    }
    return [...changed];
  }

  it("gives exactly what a full load gives, after any sequence of edits, looking only at the changed paths", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 12 }), async (edits) => {
        if (dir) await rm(dir, { recursive: true, force: true });
        dir = await mkdtemp(path.join(tmpdir(), "promptreg-changed-"));
        let files = new Map<string, string>([
          ["_partials/sig.hbs", "Sign as Support."],
          ["a/one/1.0.0.yaml", template({ id: "a/one", version: "1.0.0", body: BODIES[1] })],
          ["a/one/labels.yaml", "production: 1.0.0\n"],
          ["b/1.0.0.yaml", template({ id: "b", version: "1.0.0", body: BODIES[0] })],
        ]);
        await sync(dir, new Map(), files);
        const store = createFileSystemStore(dir);
        const cache = createLoadCache();
        await checkRegistry({ store, cache });
        for (const edit of edits) {
          const next = new Map(files);
          apply(next, edit);
          const changed = await sync(dir, files, next);
          files = next;
          const incremental = await checkRegistry({ store, cache, changed });
          const full = await checkRegistry({ store: createFileSystemStore(dir) });
          expect(outcome(incremental)).toEqual(outcome(full));
        }
      }),
      { numRuns: 25 },
    );
  }, 240_000);

  it("looks at nothing but the changed paths, and lists everything without them", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "promptreg-changed-"));
    const root = dir;
    await mkdir(path.join(root, "a"), { recursive: true });
    await writeFile(
      path.join(root, "a/1.0.0.yaml"),
      template({ id: "a", version: "1.0.0", body: "Hello {{name}}." }),
    );
    const inner = createFileSystemStore(root);
    let lists = 0;
    const store: TemplateStore = {
      location: inner.location,
      list: () => {
        lists++;
        return inner.list();
      },
      read: (file) => inner.read(file),
      listChanged: (previous, changed) => inner.listChanged!(previous, changed),
    };
    const cache = createLoadCache();
    await checkRegistry({ store, cache });
    expect(lists).toBe(1);
    // Added behind the watcher's back: a reload told only about another path does not see it...
    await mkdir(path.join(root, "b"), { recursive: true });
    await writeFile(
      path.join(root, "b/1.0.0.yaml"),
      template({ id: "b", version: "1.0.0", body: "Hi {{name}}." }),
    );
    await writeFile(
      path.join(root, "a/1.0.0.yaml"),
      template({ id: "a", version: "1.0.0", body: "Hey {{name}}." }),
    );
    const told = await checkRegistry({ store, cache, changed: ["a/1.0.0.yaml"] });
    expect(lists).toBe(1);
    expect(told.registry?.ids()).toEqual(["a"]);
    expect(told.registry?.get("a", "1.0.0")?.messages[0]?.content).toBe("Hey {{name}}.");
    // ...a new directory reported as itself is walked, and a reload without changed paths lists everything.
    expect((await checkRegistry({ store, cache, changed: ["b"] })).registry?.ids()).toEqual(["a", "b"]);
    await writeFile(path.join(root, "c.txt"), "not a template");
    const full = await checkRegistry({ store, cache });
    expect(lists).toBe(2);
    expect(full.problems.map((problem) => problem.file)).toEqual(["c.txt"]);
  });
});
