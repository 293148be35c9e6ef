// Runs the examples of docs/template-format.md against the real loader, so the spec cannot drift from the code.
// The conventions (file=, case=, expect-error=, at=, `text resolve` blocks) are described at the end of that document.

import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type FencedBlock, parseFencedBlocks, thrownBy } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkRegistry,
  createFileSystemStore,
  InvalidReferenceError,
  LIMITS,
  loadRegistryFromDir,
  type Problem,
  type Registry,
  TemplateNotFoundError,
} from "../src/index.js";

const DOC_PATH = fileURLToPath(new URL("../../../docs/template-format.md", import.meta.url));
const blocks = parseFencedBlocks(readFileSync(DOC_PATH, "utf8"));

const fileBlocks = blocks.filter((block) => block.attributes.file !== undefined);
const baseBlocks = fileBlocks.filter(
  (block) => !block.attributes["expect-error"] && !block.attributes.case && !block.attributes.hash,
);
const hashBlocks = fileBlocks.filter((block) => block.attributes.hash !== undefined);

/** Failing cases: blocks sharing `case=<name>` go together; a lone `expect-error` block is its own case. */
function failingCases(): { name: string; blocks: FencedBlock[] }[] {
  const cases = new Map<string, FencedBlock[]>();
  for (const block of fileBlocks) {
    if (!block.attributes["expect-error"] && !block.attributes.case) continue;
    const name = block.attributes.case ?? `${block.attributes["expect-error"]} (doc line ${block.line})`;
    cases.set(name, [...(cases.get(name) ?? []), block]);
  }
  return [...cases].map(([name, caseBlocks]) => ({ name, blocks: caseBlocks }));
}

/** `templates/demo/x/1.0.0.yaml` -> `demo/x/1.0.0.yaml`: paths as the registry reports them (relative to the root). */
function treePath(block: FencedBlock): string {
  const file = block.attributes.file!;
  if (!file.startsWith("templates/")) {
    throw new Error(
      `docs/template-format.md line ${block.line}: file= must start with "templates/", got "${file}"`,
    );
  }
  return file.slice("templates/".length);
}

const tempDirs: string[] = [];

/** Writes the files into a fresh temporary `templates/` directory (later blocks replace earlier ones) and returns it. */
async function materialise(treeBlocks: FencedBlock[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptreg-doc-"));
  tempDirs.push(dir);
  const root = path.join(dir, "templates");
  const files = new Map(treeBlocks.map((block) => [treePath(block), block.content]));
  for (const [relative, content] of files) {
    const target = path.join(root, ...relative.split("/"));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content, "utf8");
  }
  return root;
}

function describeProblems(problems: readonly Problem[]): string {
  return problems
    .map((p) => `${p.file}:${p.line}:${p.column} ${p.severity} [${p.code}] ${p.message}`)
    .join("\n");
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("docs/template-format.md", () => {
  it("has the executable examples this test relies on", () => {
    // Guards against the test silently passing because the doc lost its examples or the conventions changed.
    expect(baseBlocks.length).toBeGreaterThanOrEqual(5);
    expect(failingCases().length).toBeGreaterThanOrEqual(8);
    expect(blocks.filter((block) => block.flags.includes("resolve"))).toHaveLength(1);
    expect(hashBlocks.map((block) => block.attributes.hash).sort()).toEqual(["different", "same"]);
    for (const block of fileBlocks) {
      expect(block.content.length, `empty block at doc line ${block.line}`).toBeGreaterThan(0);
    }
  });

  it("documents only problem codes the loader really emits", () => {
    // The "Problem codes" table must not drift: each code in it appears as a string literal in the registry source.
    const doc = readFileSync(DOC_PATH, "utf8");
    const table = doc.slice(doc.indexOf("### Problem codes"), doc.indexOf("## How this document is tested"));
    const documented = [...table.matchAll(/^\| `([a-z_]+)`/gm)].map((match) => match[1]!);
    expect(documented.length).toBeGreaterThanOrEqual(30);
    const srcDir = fileURLToPath(new URL("../src/", import.meta.url));
    const source = readdirSync(srcDir, { recursive: true })
      .map(String)
      .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
      .map((file) => readFileSync(path.join(srcDir, file), "utf8"))
      .join("\n");
    const unknown = documented.filter((code) => !source.includes(`"${code}"`));
    expect(unknown, "codes in docs/template-format.md that packages/registry/src never emits").toEqual([]);
    // And every code the failing examples expect is in the table.
    const expected = fileBlocks.flatMap((block) => block.attributes["expect-error"]?.split(",") ?? []);
    expect(expected.filter((code) => !documented.includes(code))).toEqual([]);
  });

  it("lists every budget of LIMITS with its value, and nothing else, in the Limits table", () => {
    const doc = readFileSync(DOC_PATH, "utf8");
    const section = doc.slice(doc.indexOf("## Limits\n"), doc.indexOf("## Editor support"));
    const rows = [...section.matchAll(/^\| [^|]+ \| `(\w+)` \| ([\d,]+)/gm)].map(
      (match) => [match[1]!, Number(match[2]!.replaceAll(",", ""))] as const,
    );
    expect(Object.fromEntries(rows)).toEqual({ ...LIMITS });
    expect(rows).toHaveLength(Object.keys(LIMITS).length);
  });

  describe("the complete example tree", () => {
    let registry: Registry;
    beforeAll(async () => {
      const root = await materialise(baseBlocks);
      const { registry: loaded, problems } = await checkRegistry({ store: createFileSystemStore(root) });
      expect(problems, describeProblems(problems)).toEqual([]);
      registry = loaded!;
    });

    it("loads with no problems and contains every file of the example", async () => {
      const templates = baseBlocks.filter(
        (b) => !treePath(b).startsWith("_partials/") && !treePath(b).endsWith("labels.yaml"),
      );
      const loaded = [...registry.templates()].map((v) => v.source.path).sort();
      expect(loaded).toEqual(templates.map(treePath).sort());
      const partials = baseBlocks.filter((b) => treePath(b).startsWith("_partials/"));
      for (const block of partials) {
        const name = treePath(block).slice("_partials/".length, -".hbs".length);
        expect(registry.partials.get(name)).toBe(block.content);
      }
    });

    it("gives every version a sha256 content hash", () => {
      for (const version of registry.templates()) expect(version.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it("loads the same way through loadRegistryFromDir", async () => {
      const root = await materialise(baseBlocks);
      const again = await loadRegistryFromDir(root);
      expect([...again.templates()].map((v) => `${v.id}@${v.version}:${v.hash}`)).toEqual(
        [...registry.templates()].map((v) => `${v.id}@${v.version}:${v.hash}`),
      );
    });

    it.each(hashBlocks.map((block) => ({ block, expectation: block.attributes.hash!, line: block.line })))(
      "content hash is $expectation for the rewrite at doc line $line",
      async ({ block, expectation }) => {
        expect(["same", "different"]).toContain(expectation);
        const root = await materialise([...baseBlocks, block]);
        const { registry: rewritten, problems } = await checkRegistry({ store: createFileSystemStore(root) });
        expect(problems, describeProblems(problems)).toEqual([]);
        const file = treePath(block);
        const before = [...registry.templates()].find((v) => v.source.path === file);
        const after = [...rewritten!.templates()].find((v) => v.source.path === file);
        expect(before && after, `no version at ${file}`).toBeTruthy();
        if (expectation === "same") expect(after!.hash).toBe(before!.hash);
        else expect(after!.hash).not.toBe(before!.hash);
      },
    );

    const resolveBlock = blocks.find((block) => block.flags.includes("resolve"));
    const rows = (resolveBlock?.content ?? "")
      .split("\n")
      .map((line) => line.replace(/#.*$/, "").trim())
      .filter(Boolean)
      .map((line) => {
        const [reference, expected] = line.split(/\s+->\s+/);
        return { reference: reference!.trim(), expected: expected?.trim() ?? "" };
      });

    it.each(rows)("resolves $reference -> $expected", ({ reference, expected }) => {
      const notFound = /^not found \((id|version|label)\)$/.exec(expected);
      if (notFound) {
        const thrown = thrownBy(() => registry.resolve(reference));
        expect(TemplateNotFoundError.isInstance(thrown), String(thrown)).toBe(true);
        expect((thrown as TemplateNotFoundError).kind).toBe(notFound[1]);
      } else if (expected === "invalid reference") {
        const thrown = thrownBy(() => registry.resolve(reference));
        expect(InvalidReferenceError.isInstance(thrown), String(thrown)).toBe(true);
      } else {
        expect(expected, `unparseable row "${reference} -> ${expected}"`).toMatch(/^\d+\.\d+\.\d+/);
        expect(registry.resolve(reference).version).toBe(expected);
      }
    });
  });

  describe.each(failingCases())("failing example: $name", ({ blocks: caseBlocks }) => {
    it("fails to load with the documented problem", async () => {
      const root = await materialise([...baseBlocks, ...caseBlocks]);
      const { registry, problems } = await checkRegistry({ store: createFileSystemStore(root) });
      expect(registry, "the tree should not load").toBeUndefined();
      for (const block of caseBlocks.filter((b) => b.attributes["expect-error"])) {
        const codes = block.attributes["expect-error"]!.split(",");
        const file = treePath(block);
        for (const code of codes) {
          const match = problems.find((p) => p.code === code && p.file === file && p.severity === "error");
          expect(
            match,
            `expected [${code}] in ${file} (doc line ${block.line}); got:\n${describeProblems(problems)}`,
          ).toBeDefined();
          // `at=` gives the position of the first listed code.
          const at = block.attributes.at;
          if (at && code === codes[0])
            expect(`${match!.line}:${match!.column}`, describeProblems(problems)).toBe(at);
          expect(match!.message.length, "messages must explain the fix").toBeGreaterThan(20);
        }
      }
      // A failing example must fail only where the doc says: every error is in one of the case's files.
      const caseFiles = new Set(caseBlocks.map(treePath));
      const elsewhere = problems.filter((p) => p.severity === "error" && !caseFiles.has(p.file));
      expect(elsewhere, describeProblems(elsewhere)).toEqual([]);
    });
  });
});
