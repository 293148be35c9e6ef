import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rejectionOf } from "@promptreg/test-kit";
import { afterEach, describe, expect, it } from "vitest";
import { RegistryLoadError } from "./errors/registry-load-error.js";
import { TemplateNotFoundError } from "./errors/template-not-found-error.js";
import { createFileSystemStore } from "./file-system-store.js";
import { LIMITS } from "./limits.js";
import { checkRegistry, loadRegistry, loadRegistryFromDir } from "./load.js";
import { createMemoryStore } from "./store.js";
import type { Problem } from "./types.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "__fixtures__");

/** A valid template file; `extra` lines are appended at the top level. */
function templateText({
  id = "demo/hello",
  version = "1.0.0",
  status = "published",
  extra = "",
  body = 'prompt: "Hello {{name}}"',
}: {
  id?: string;
  version?: string;
  status?: string;
  extra?: string;
  body?: string;
} = {}): string {
  return [
    `id: ${id}`,
    `version: ${version}`,
    "description: Says hello.",
    "owners: [dx@acme.example]",
    `status: ${status}`,
    "changelog: Initial.",
    "model: { name: openai/gpt-4o-mini }",
    "input:",
    "  type: object",
    "  properties:",
    "    name: { type: string }",
    "  required: [name]",
    body,
    extra,
  ].join("\n");
}

async function check(files: Record<string, string>) {
  return checkRegistry({ store: createMemoryStore(files) });
}

function codes(problems: readonly Problem[]) {
  return problems.map((problem) => problem.code);
}

function only(problems: readonly Problem[], code: string): Problem {
  const found = problems.filter((problem) => problem.code === code);
  expect(found, `problems: ${JSON.stringify(problems, null, 2)}`).toHaveLength(1);
  return found[0]!;
}

describe("loadRegistryFromDir on the basic fixture", () => {
  it("loads templates, labels and partials and resolves references", async () => {
    const registry = await loadRegistryFromDir(path.join(fixtures, "basic"));
    expect(registry.ids()).toEqual(["greet", "support/summarize-ticket"]);
    expect(registry.versions("support/summarize-ticket")).toEqual(["1.1.0", "1.2.0", "1.3.0", "2.0.0-rc.1"]);
    expect(registry.labels("support/summarize-ticket")).toEqual({ production: "1.2.0", staging: "1.3.0" });
    expect([...registry.partials.keys()].sort()).toEqual(["signature", "support/tone"]);
    const version = registry.resolve("support/summarize-ticket@production");
    expect(version.version).toBe("1.2.0");
    expect(version.source.path).toBe("support/summarize-ticket/1.2.0.yaml");
    expect(version.model).toEqual({
      name: "openai/gpt-4o-mini",
      params: { temperature: 0.2, max_tokens: 400 },
      fallbacks: ["anthropic/claude-3-5-haiku"],
    });
    expect(version.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(version.input.parse({ ticket: "t" })).toEqual({ ticket: "t", tier: "free" });
    expect(version.output?.safeParse({ summary: 1 }).success).toBe(false);
    // prompt: is normalised to one user message
    expect(registry.resolve("greet").messages).toEqual([{ role: "user", content: "Say hello to {{name}}." }]);
    expect(Object.isFrozen(version)).toBe(true);
    expect(Object.isFrozen(version.messages[0])).toBe(true);
  });
});

describe("checkRegistry problems", () => {
  it("reports malformed YAML with its position", async () => {
    const { registry, problems } = await check({ "a/1.0.0.yaml": "id: a\nversion: [1.0.0\n" });
    expect(registry).toBeUndefined();
    const problem = problems.find((p) => p.code === "yaml_syntax")!;
    expect(problem.file).toBe("a/1.0.0.yaml");
    expect(problem.line).toBeGreaterThanOrEqual(2);
  });

  it("reports duplicate keys at the repeated key", async () => {
    const { problems } = await check({
      "demo/hello/1.0.0.yaml": templateText({ extra: "description: again" }),
    });
    const problem = only(problems, "yaml_duplicate_key");
    expect(problem.line).toBe(14);
  });

  it('reports keys that collide once YAML turns them into strings (1 and "1")', async () => {
    const { problems } = await check({
      "demo/hello/labels.yaml": "1: 1.0.0\n'1': 1.0.0\n",
      "demo/hello/1.0.0.yaml": templateText(),
    });
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.code}`)).toEqual([
      "demo/hello/labels.yaml:2:1 yaml_duplicate_key",
    ]);
  });

  it("fails fast on an alias bomb", async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]",
      "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]",
      "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]",
      "h: [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]",
    ].join("\n");
    const { problems } = await check({ "demo/hello/1.0.0.yaml": bomb });
    expect(codes(problems)).toEqual(["yaml_alias_limit"]);
  });

  it("reports an id and a version that do not match the path", async () => {
    const { problems } = await check({ "demo/hello/1.0.1.yaml": templateText({ id: "demo/hi" }) });
    expect(only(problems, "id_mismatch")).toMatchObject({ line: 1, column: 5 });
    expect(only(problems, "version_mismatch")).toMatchObject({ line: 2, column: 10 });
  });

  it("reports invalid semver inside the file and in the file name", async () => {
    const { problems } = await check({
      "demo/hello/1.0.0.yaml": templateText({ version: "v1.0.0" }),
      "demo/other/1.0.yaml": templateText({ id: "demo/other", version: '"1.0"' }),
    });
    expect(only(problems, "invalid_semver")).toMatchObject({ file: "demo/hello/1.0.0.yaml", line: 2 });
    expect(only(problems, "invalid_version_file").file).toBe("demo/other/1.0.yaml");
  });

  it("reports unknown keys with a did-you-mean suggestion, at the key", async () => {
    const { problems } = await check({
      "demo/hello/1.0.0.yaml": templateText({ extra: "descripton: typo\nmodel2: x" }),
    });
    const typo = problems.find((p) => p.message.includes('"descripton"'))!;
    expect(typo).toMatchObject({ code: "unknown_key", line: 14, column: 1 });
    expect(typo.message).toContain('Did you mean "description"?');
    expect(codes(problems).filter((c) => c === "unknown_key")).toHaveLength(2);
  });

  it("reports unknown nested keys (model) with a suggestion", async () => {
    const text = templateText().replace(
      "model: { name: openai/gpt-4o-mini }",
      "model: { name: openai/gpt-4o-mini, fallback: [x/y] }",
    );
    const problem = only((await check({ "demo/hello/1.0.0.yaml": text })).problems, "unknown_key");
    expect(problem.message).toContain('Did you mean "fallbacks"?');
    expect(problem).toMatchObject({ line: 7, column: 36 });
  });

  it("reports missing required keys and invalid model params", async () => {
    const text = templateText()
      .replace("changelog: Initial.\n", "")
      .replace(
        "model: { name: openai/gpt-4o-mini }",
        "model: { name: openai/gpt-4o-mini, params: { temperature: 3, custom: 1 } }",
      );
    const { problems } = await check({ "demo/hello/1.0.0.yaml": text });
    expect(only(problems, "missing_key").message).toContain('"changelog"');
    expect(only(problems, "invalid_value").message).toContain("model.params.temperature");
  });

  it("rejects both messages and prompt, and neither", async () => {
    const both = templateText({ extra: "messages:\n  - { role: user, content: hi }" });
    const neither = templateText({ id: "demo/b", body: "" });
    const { problems } = await check({ "demo/hello/1.0.0.yaml": both, "demo/b/1.0.0.yaml": neither });
    expect(only(problems, "messages_and_prompt").file).toBe("demo/hello/1.0.0.yaml");
    expect(only(problems, "missing_messages").file).toBe("demo/b/1.0.0.yaml");
  });

  it("reports input schemas outside the subset: bad type, unknown keyword, bad pattern", async () => {
    const text = [
      "id: demo/hello",
      "version: 1.0.0",
      "description: d",
      "owners: [o]",
      "changelog: c",
      "model: { name: openai/gpt-4o-mini }",
      "input:",
      "  type: object",
      "  properties:",
      "    a: { type: strin }",
      "    b: { type: string, oneOf: [] }",
      "    c: { type: string, pattern: '([a-z' }",
      "    d: { type: number, minLength: 2 }",
      'prompt: "x"',
    ].join("\n");
    const { problems } = await check({ "demo/hello/1.0.0.yaml": text });
    expect(only(problems, "schema_bad_type")).toMatchObject({ line: 10, column: 16 });
    expect(only(problems, "schema_bad_type").message).toContain('Did you mean "string"?');
    expect(only(problems, "schema_unknown_keyword")).toMatchObject({ line: 11, column: 24 });
    expect(only(problems, "schema_unknown_keyword").message).toContain('"oneOf"');
    expect(only(problems, "schema_bad_pattern")).toMatchObject({ line: 12 });
    expect(only(problems, "schema_keyword_type_mismatch")).toMatchObject({ line: 13 });
  });

  it("accepts the compact property shorthand and positions its errors", async () => {
    const text = templateText().replace("    name: { type: string }", "    name: string\n    note?: strng");
    const { problems } = await check({ "demo/hello/1.0.0.yaml": text });
    expect(only(problems, "schema_bad_shorthand")).toMatchObject({ line: 12, column: 12 });
    const ok = await check({
      "demo/hello/1.0.0.yaml": templateText().replace(
        "    name: { type: string }",
        "    name: string\n    note?: string",
      ),
    });
    expect(ok.problems).toEqual([]);
    const version = ok.registry!.resolve("demo/hello");
    expect(version.inputSchema.properties).toEqual({ name: { type: "string" }, note: { type: "string" } });
    expect(version.input.safeParse({ name: "a" }).success).toBe(true);
  });

  it("requires the input schema to be an object", async () => {
    const text = templateText()
      .replace("  type: object", "  type: string")
      .replace(/ {2}properties:\n.*\n {2}required: \[name\]\n/, "");
    const { problems } = await check({ "demo/hello/1.0.0.yaml": text });
    expect(codes(problems)).toContain("schema_input_not_object");
  });

  it("reports an example failing its schema at the failing field", async () => {
    const text = templateText({
      extra: [
        "examples:",
        "  - name: ok",
        "    input: { name: Ann }",
        "  - name: bad",
        "    input:",
        "      name: 42",
        "      nmae: x",
      ].join("\n"),
    });
    const { problems } = await check({ "demo/hello/1.0.0.yaml": text });
    const invalid = problems.filter((p) => p.code === "example_invalid");
    expect(invalid).toHaveLength(2);
    expect(invalid[0]).toMatchObject({ line: 19, column: 13 });
    expect(invalid[0]!.message).toContain('Example "bad"');
    expect(invalid[0]!.message).toContain('"name"');
    expect(invalid[1]).toMatchObject({ line: 20, column: 7 });
    expect(invalid[1]!.message).toContain('"nmae" is not declared');
  });

  it("reports a file over the size limit without parsing it", async () => {
    const big = templateText({ extra: `# ${"x".repeat(LIMITS.maxFileBytes)}` });
    const { problems } = await check({ "demo/hello/1.0.0.yaml": big });
    expect(codes(problems)).toEqual(["file_too_large"]);
  });

  it("rejects bad ids in paths: uppercase, '..', absolute, backslash", async () => {
    const { problems } = await check({
      "Demo/hello/1.0.0.yaml": templateText({ id: "Demo/hello" }),
      "demo/../x/1.0.0.yaml": templateText(),
      "/abs/1.0.0.yaml": templateText(),
      "demo\\x/1.0.0.yaml": templateText(),
    });
    expect(only(problems, "invalid_id").message).toContain('uppercase "D"');
    expect(
      problems
        .filter((p) => p.code === "unsafe_path")
        .map((p) => p.file)
        .sort(),
    ).toEqual(["/abs/1.0.0.yaml", "demo/../x/1.0.0.yaml", "demo\\x/1.0.0.yaml"]);
  });

  it("validates labels: missing version, reserved and invalid names", async () => {
    const { problems } = await check({
      "demo/hello/1.0.0.yaml": templateText(),
      "demo/hello/labels.yaml": "production: 1.0.0\nstaging: 1.1.0\nlatest: 1.0.0\nProd: 1.0.0\nqa: 1\n",
    });
    expect(only(problems, "label_missing_version")).toMatchObject({
      line: 2,
      file: "demo/hello/labels.yaml",
    });
    expect(only(problems, "reserved_label").line).toBe(3);
    expect(only(problems, "invalid_label").line).toBe(4);
    expect(only(problems, "invalid_label_target").line).toBe(5);
  });

  it("reports a missing partial with a suggestion, and partial cycles", async () => {
    const { problems } = await check({
      "demo/hello/1.0.0.yaml": templateText({
        body: "messages:\n  - role: system\n    content: 'Hi {{> tonne}}'",
      }),
      "_partials/tone.hbs": "Be kind.",
      "_partials/a.hbs": "A {{> b}}",
      "_partials/b.hbs": "B {{#> a}}x{{/a}}",
    });
    const missing = only(problems, "missing_partial");
    expect(missing).toMatchObject({ file: "demo/hello/1.0.0.yaml", line: 15, column: 14 });
    expect(missing.message).toContain('Did you mean "tone"?');
    expect(only(problems, "partial_cycle").message).toContain('"a" -> "b" -> "a"');
  });

  it("points at the partial reference inside a block literal", async () => {
    const body = [
      "messages:",
      "  - role: system",
      "    content: |",
      "      First line.",
      "      Then {{> nope}} here.",
    ].join("\n");
    const { problems } = await check({ "demo/hello/1.0.0.yaml": templateText({ body }) });
    expect(only(problems, "missing_partial")).toMatchObject({ line: 17, column: 12 });
  });

  it("reports every problem across several files in one run", async () => {
    const { problems } = await check({
      "a/1.0.0.yaml": "id: a\nversion: [1.0.0\n",
      "b/1.0.0.yaml": templateText({ id: "b", extra: "tgas: [x]" }),
      "c/1.0.0.yaml": templateText({ id: "wrong" }),
      "c/labels.yaml": "prod: 9.9.9\n",
      "README.md": "hello",
    });
    const files = new Set(problems.filter((p) => p.severity === "error").map((p) => p.file));
    expect(files).toEqual(new Set(["a/1.0.0.yaml", "b/1.0.0.yaml", "c/1.0.0.yaml", "c/labels.yaml"]));
    expect(only(problems, "ignored_file").severity).toBe("warning");
  });

  it("loadRegistry throws RegistryLoadError carrying all problems", async () => {
    const store = createMemoryStore({ "a/1.0.0.yaml": "[", "b/1.0.0.yaml": templateText({ id: "x" }) });
    const error = await loadRegistry({ store }).catch((caught: unknown) => caught);
    expect(RegistryLoadError.isInstance(error)).toBe(true);
    const typed = error as RegistryLoadError;
    expect(new Set(typed.problems.map((p) => p.file))).toEqual(new Set(["a/1.0.0.yaml", "b/1.0.0.yaml"]));
    expect(typed.message).toContain("b/1.0.0.yaml:1:5");
  });

  it("ignores top-level _ and . entries that are not partials", async () => {
    const { registry, problems } = await check({
      "demo/hello/1.0.0.yaml": templateText(),
      "_drafts/whatever.yaml": "not: [valid",
      ".github/x.yaml": "[",
    });
    expect(problems).toEqual([]);
    expect(registry?.ids()).toEqual(["demo/hello"]);
  });

  it("fails when the tree has more files than allowed", async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index <= LIMITS.maxFiles; index++) files[`_junk/${index}.txt`] = "";
    expect(codes((await check(files)).problems)).toEqual(["too_many_files"]);
  });

  it("gives equal hashes for equal content written differently, and different hashes when a used partial changes", async () => {
    const flow = templateText({ body: "messages: [{ role: user, content: 'Hi {{> p}}' }]" });
    const block = `# a comment\n${templateText({ body: 'messages:\n  - content: "Hi {{> p}}"\n    role: user' })}`;
    const load = async (text: string, partial: string) =>
      (await check({ "demo/hello/1.0.0.yaml": text, "_partials/p.hbs": partial })).registry!.resolve(
        "demo/hello@1.0.0",
      ).hash;
    expect(await load(flow, "P")).toBe(await load(block, "P"));
    expect(await load(flow, "P")).not.toBe(await load(flow, "Q"));
  });
});

describe("hardening", () => {
  const temps: string[] = [];
  afterEach(async () => {
    await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("refuses a version file named with the wrong case or extension instead of dropping the version", async () => {
    for (const name of ["1.1.0.YAML", "1.1.0.yml", "1.1.0.json", "1.1.0.Yaml"]) {
      const { registry, problems } = await check({
        "demo/hello/1.0.0.yaml": templateText(),
        [`demo/hello/${name}`]: templateText({ version: "1.1.0" }),
      });
      expect(registry, name).toBeUndefined();
      const problem = only(problems, "wrong_extension");
      expect(problem.severity).toBe("error");
      expect(problem.message).toContain('rename it to "1.1.0.yaml"');
    }
    const labels = await check({
      "demo/hello/1.0.0.yaml": templateText(),
      "demo/hello/Labels.YML": "a: 1.0.0",
    });
    expect(only(labels.problems, "wrong_extension").message).toContain('rename it to "labels.yaml"');
  });

  it("refuses model params that the service sets itself, at each key", async () => {
    const { problems } = await check({
      "demo/hello/1.0.0.yaml": templateText().replace(
        "model: { name: openai/gpt-4o-mini }",
        "model:\n  name: openai/gpt-4o-mini\n  params: { temperature: 1, fallbacks: [evil], stream: true, response_format: { type: text } }",
      ),
    });
    expect(problems.map((p) => `${p.line}:${p.column} ${p.code}`)).toEqual([
      "9:29 reserved_model_param",
      "9:48 reserved_model_param",
      "9:62 reserved_model_param",
    ]);
    expect(problems[0]!.message).toContain("model.fallbacks");
  });

  it("refuses bytes that are not UTF-8, at their line and column, instead of reading U+FFFD", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "promptreg-utf8-"));
    temps.push(dir);
    await mkdir(path.join(dir, "demo/hello"), { recursive: true });
    // "Says é." saved in Latin-1: 0xe9 alone is not UTF-8.
    const [before, after] = templateText().split("hello.") as [string, string];
    const text = Buffer.concat([Buffer.from(`${before}`), Buffer.from([0xe9, 0x2e]), Buffer.from(after)]);
    await writeFile(path.join(dir, "demo/hello/1.0.0.yaml"), text);
    const { problems } = await checkRegistry({ store: createFileSystemStore(dir) });
    expect(problems.map((p) => `${p.line}:${p.column} ${p.code}`)).toEqual(["3:19 invalid_utf8"]);
    const memory = await check({
      "demo/hello/1.0.0.yaml": templateText().replace("hello.", "hello \ud800."),
    });
    expect(memory.problems.map((p) => `${p.line}:${p.column} ${p.code}`)).toEqual(["3:25 invalid_utf8"]);
  });

  it("quotes names from the tree in messages, so none can forge a line or reach the terminal raw", async () => {
    const forged = "x\ndemo/a/1.0.0.yaml:1:1: error: forged \u001b[31m\u202e";
    const { problems } = await check({
      "demo/hello/1.0.0.yaml": templateText({ extra: `${JSON.stringify(forged)}: 1` }),
      [`demo/${forged.replaceAll("/", "_")}/1.0.0.yaml`]: templateText(),
      "demo/hello/labels.yaml": `${JSON.stringify(forged)}: 1.0.0`,
    });
    expect(problems.length).toBeGreaterThanOrEqual(3);
    for (const problem of problems) {
      // No character below U+0020, DEL or C1 control, line separator or bidi override reaches the message.
      const unsafe = [...problem.message].filter((char) => {
        const code = char.codePointAt(0)!;
        return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x202e;
      });
      expect(unsafe, problem.message).toEqual([]);
    }
    const thrown = await rejectionOf(async () => {
      await loadRegistry({
        store: createMemoryStore({ [`demo/${forged.replaceAll("/", "_")}/1.0.0.yaml`]: "" }),
      });
    });
    const lines = (thrown as RegistryLoadError).message.split("\n");
    expect(lines).toHaveLength(2);
  });
});

describe("file system store safety", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("never reads through a symlink that escapes the root", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "promptreg-registry-"));
    const root = path.join(dir, "templates");
    const outside = path.join(dir, "outside");
    await mkdir(path.join(root, "demo/hello"), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, "1.0.0.yaml"), templateText({ id: "demo/leak" }));
    await writeFile(path.join(root, "demo/hello/1.0.0.yaml"), templateText());
    await symlink(outside, path.join(root, "demo/leak"));
    await symlink(path.join(root, "demo/hello"), path.join(root, "demo/alias"));
    const { problems } = await checkRegistry({ store: createFileSystemStore(root) });
    expect(only(problems, "unsafe_path").file).toBe("demo/leak");
    const store = createFileSystemStore(root);
    await expect(store.read("demo/leak/1.0.0.yaml")).rejects.toMatchObject({ code: "unsafe_path" });
    await expect(store.read("../outside/1.0.0.yaml")).rejects.toMatchObject({ code: "unsafe_path" });
    await expect(store.read(path.join(outside, "1.0.0.yaml"))).rejects.toMatchObject({ code: "unsafe_path" });
  });

  it("reports an oversize file from its size without reading it", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "promptreg-registry-"));
    await mkdir(path.join(dir, "demo/hello"), { recursive: true });
    await writeFile(path.join(dir, "demo/hello/1.0.0.yaml"), "x".repeat(LIMITS.maxFileBytes + 1));
    const { problems } = await checkRegistry({ store: createFileSystemStore(dir) });
    expect(codes(problems)).toEqual(["file_too_large"]);
    await expect(createFileSystemStore(dir).read("demo/hello/1.0.0.yaml")).rejects.toMatchObject({
      code: "file_too_large",
    });
  });
});

describe("resolution errors", () => {
  it("throws TemplateNotFoundError with kind and suggestions", async () => {
    const registry = await loadRegistryFromDir(path.join(fixtures, "basic"));
    const attempt = (ref: string) => {
      try {
        registry.resolve(ref);
      } catch (error) {
        expect(TemplateNotFoundError.isInstance(error)).toBe(true);
        return error as TemplateNotFoundError;
      }
      throw new Error(`expected ${ref} to fail`);
    };
    expect(attempt("support/sumarize-ticket")).toMatchObject({
      kind: "id",
      suggestions: ["support/summarize-ticket"],
    });
    expect(attempt("greet@2.0.0")).toMatchObject({ kind: "version", suggestions: ["1.0.0"] });
    expect(attempt("greet@^3")).toMatchObject({ kind: "version", reference: "greet@^3" });
    expect(attempt("support/summarize-ticket@prod")).toMatchObject({
      kind: "label",
      suggestions: ["production", "staging"],
    });
    expect(registry.tryResolve("greet@9.9.9")).toBeUndefined();
    expect(() => registry.tryResolve("Bad!")).toThrow(/Invalid template reference/);
  });
});

describe("missing template directory", () => {
  it("throws a StoreError naming the directory", async () => {
    const missing = path.join(tmpdir(), "promptreg-definitely-missing-dir");
    const error = await loadRegistryFromDir(missing).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "root_not_found", path: missing });
    expect((error as Error).message).toContain(missing);
  });
});
