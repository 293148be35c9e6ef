// The templates shipped in templates/ are product code: they must load cleanly, keep their documented versions and
// labels, and follow the house rules for prompts. Rendering every example is checked in
// packages/renderer/test/bundled-templates.test.ts (the renderer depends on the registry, not the other way round).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { z } from "zod";
import {
  checkRegistry,
  createBundle,
  createFileSystemStore,
  findPartialReferences,
  loadRegistryFromBundle,
  type Registry,
} from "../src/index.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TEMPLATES_DIR = path.join(REPO_ROOT, "templates");

/** Every id and version we ship; adding or removing one is a deliberate change to this list. */
const EXPECTED_VERSIONS: Record<string, string[]> = {
  "data/sql-from-question": ["1.0.0"],
  "engineering/code-review-comment": ["1.0.0"],
  "engineering/release-notes": ["1.0.0"],
  "extraction/entities": ["1.0.0"],
  "knowledge/rag-answer": ["1.0.0", "1.1.0-rc.1"],
  "localization/translate": ["1.0.0"],
  "support/summarize-ticket": ["1.0.0", "1.1.0", "2.0.0"],
  "support/triage-ticket": ["1.0.0", "1.1.0"],
};

let registry: Registry;

beforeAll(async () => {
  const { registry: loaded, problems } = await checkRegistry({ store: createFileSystemStore(TEMPLATES_DIR) });
  const listing = problems.map(
    (p) => `${p.file}:${p.line}:${p.column} ${p.severity} [${p.code}] ${p.message}`,
  );
  // Zero problems, warnings included: the shipped tree is the example everyone copies.
  expect(listing).toEqual([]);
  registry = loaded!;
});

function allVersions() {
  return [...registry.templates()];
}

describe("bundled templates/", () => {
  it("contains exactly the expected ids and versions", () => {
    const actual = Object.fromEntries(registry.ids().map((id) => [id, registry.versions(id)]));
    expect(actual).toEqual(EXPECTED_VERSIONS);
  });

  it("validates every example of every version against its input schema", () => {
    let checked = 0;
    for (const version of allVersions()) {
      for (const example of version.examples) {
        const result = version.input.safeParse(example.input);
        expect(result.success, `${version.id}@${version.version} example "${example.name}"`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2 * allVersions().length);
  });

  it("resolves every label to an existing version", () => {
    let labels = 0;
    for (const id of registry.ids()) {
      for (const [label, version] of Object.entries(registry.labels(id))) {
        expect(registry.resolve(`${id}@${label}`).version).toBe(version);
        labels++;
      }
    }
    expect(labels).toBeGreaterThanOrEqual(4);
  });

  it("serves the documented versions for labels, ranges and latest", () => {
    const resolved = (ref: string) => registry.resolve(ref).version;
    expect(resolved("support/summarize-ticket@production")).toBe("1.1.0");
    expect(resolved("support/summarize-ticket@staging")).toBe("2.0.0");
    expect(resolved("support/summarize-ticket")).toBe("2.0.0");
    // 1.0.0 is deprecated: still reachable exactly, never through a range.
    expect(registry.tryResolve("support/summarize-ticket@~1.0")).toBeUndefined();
    expect(resolved("support/summarize-ticket@^1")).toBe("1.1.0");
    expect(registry.resolve("support/summarize-ticket@1.0.0").status).toBe("deprecated");
    expect(resolved("support/triage-ticket@production")).toBe("1.0.0");
    expect(resolved("support/triage-ticket@staging")).toBe("1.1.0");
    // The release candidate is a draft prerelease: only an exact reference reaches it.
    expect(resolved("knowledge/rag-answer")).toBe("1.0.0");
    expect(resolved("knowledge/rag-answer@^1")).toBe("1.0.0");
    expect(registry.resolve("knowledge/rag-answer@1.1.0-rc.1").status).toBe("draft");
  });

  it("makes 2.0.0 of summarize-ticket a real breaking change: ticket -> messages thread", () => {
    const v1 = registry.resolve("support/summarize-ticket@1.1.0");
    const v2 = registry.resolve("support/summarize-ticket@2.0.0");
    expect(v1.input.safeParse({ ticket: "Refund please" }).success).toBe(true);
    expect(v2.input.safeParse({ ticket: "Refund please" }).success).toBe(false);
    expect(v2.input.safeParse({ messages: [{ author: "customer", body: "Refund please" }] }).success).toBe(
      true,
    );
    expect(v1.input.safeParse({ ticket: "x", customer_tier: "platinum" }).success).toBe(false);
  });

  // Fallbacks from another provider, two examples, the safety preamble and the JSON-only partial are rules of the
  // repository's promptreg.config.yaml now (checked by `promptreg validate` in `pnpm check` and by
  // packages/policy/test/repository-config.test.ts), not only of this file.
  it("gives every version owners, a changelog, tags, a provider/model and a distinct hash", () => {
    const hashes = new Set<string>();
    for (const version of allVersions()) {
      const at = `${version.id}@${version.version}`;
      expect(version.owners.length, at).toBeGreaterThanOrEqual(1);
      expect(version.changelog.length, at).toBeGreaterThan(20);
      expect(version.tags.length, at).toBeGreaterThanOrEqual(1);
      expect(version.model.name, at).toMatch(/^(openai|anthropic)\/[a-z0-9.-]+$/);
      expect(version.hash, at).toMatch(/^sha256:[0-9a-f]{64}$/);
      hashes.add(version.hash);
    }
    expect(hashes.size).toBe(allVersions().length);
  });

  it("uses every shared partial somewhere (no dead partials)", () => {
    const used = new Set(
      allVersions().flatMap((version) =>
        version.messages.flatMap((message) => findPartialReferences(message.content)),
      ),
    );
    expect([...registry.partials.keys()].sort()).toEqual([...used].sort());
    expect(registry.partials.size).toBeGreaterThanOrEqual(2);
  });

  it("points every file's yaml-language-server comment at schemas/template.schema.json", async () => {
    for (const version of allVersions()) {
      const file = path.join(TEMPLATES_DIR, version.source.path);
      const firstLine = (await readFile(file, "utf8")).split("\n", 1)[0]!;
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(firstLine);
      expect(match, version.source.path).not.toBeNull();
      expect(path.resolve(path.dirname(file), match![1]!)).toBe(
        path.join(REPO_ROOT, "schemas", "template.schema.json"),
      );
    }
  });

  it("passes the editor schema (schemas/template.schema.json), so editors show no false errors", async () => {
    const editorSchema = JSON.parse(
      await readFile(path.join(REPO_ROOT, "schemas", "template.schema.json"), "utf8"),
    );
    // zod's fromJSONSchema reads `oneOf: [{required: [messages]}, {required: [prompt]}]` as "both branches match
    // anything", unlike editors; the messages-xor-prompt rule is the loader's job, so check the rest of the schema.
    const { oneOf: _messagesXorPrompt, ...structural } = editorSchema;
    const validate = z.fromJSONSchema(structural);
    for (const version of allVersions()) {
      const value = YAML.parse(await readFile(path.join(TEMPLATES_DIR, version.source.path), "utf8"));
      const result = validate.safeParse(value);
      expect(result.success, `${version.source.path}: ${result.error?.message}`).toBe(true);
    }
    // And it does catch what it should: a misspelt top-level key.
    const typo = YAML.parse(await readFile(path.join(TEMPLATES_DIR, allVersions()[0]!.source.path), "utf8"));
    typo.descripton = typo.description;
    expect(validate.safeParse(typo).success).toBe(false);
  });

  it("survives a bundle round trip (JSON) with identical versions, hashes, labels, partials and resolution", () => {
    const bundle = JSON.parse(JSON.stringify(createBundle(registry)));
    const reloaded = loadRegistryFromBundle(bundle);
    const fingerprint = (r: Registry) =>
      [...r.templates()].map((v) => `${v.id}@${v.version} ${v.status} ${v.hash}`);
    expect(fingerprint(reloaded)).toEqual(fingerprint(registry));
    for (const id of registry.ids()) expect(reloaded.labels(id)).toEqual(registry.labels(id));
    expect([...reloaded.partials]).toEqual([...registry.partials]);
    for (const ref of [
      "support/summarize-ticket@production",
      "support/summarize-ticket@^1",
      "knowledge/rag-answer",
    ]) {
      expect(reloaded.resolve(ref).hash).toBe(registry.resolve(ref).hash);
    }
  });
});
