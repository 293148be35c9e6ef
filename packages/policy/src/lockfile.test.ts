import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registryOf, versionYaml } from "./__fixtures__/template-files.js";
import { buildLock, checkLock, formatLock, LOCK_FORMAT, parseLock, updateLock } from "./lockfile.js";

const V1 = "support/summarize/1.0.0.yaml";

async function lockedTree() {
  const files = {
    [V1]: versionYaml({}),
    "support/summarize/1.1.0.yaml": versionYaml({ version: "1.1.0", status: "draft" }),
  };
  const registry = await registryOf(files);
  return { files, lockText: formatLock(buildLock(registry)) };
}

async function check(files: Record<string, string>, lockText: string | undefined) {
  const registry = await registryOf(files);
  return checkLock({ registry, lockText, lockFile: "promptreg.lock" });
}

describe("the lockfile", () => {
  it("locks published and deprecated versions with their partials, one sorted line each", async () => {
    const registry = await registryOf({
      [V1]: versionYaml({ status: "deprecated" }),
      "support/summarize/1.1.0.yaml": versionYaml({ version: "1.1.0" }),
      "support/summarize/2.0.0-rc.1.yaml": versionYaml({ version: "2.0.0-rc.1", status: "draft" }),
    });
    const lines = formatLock(buildLock(registry)).split("\n");
    const entries = lines.filter((line) => line !== "" && !line.startsWith("#"));
    expect(entries[0]).toBe(LOCK_FORMAT);
    expect(entries[1]).toMatch(/^partial safety sha256:[0-9a-f]{64}$/);
    expect(entries.slice(2)).toEqual([
      expect.stringMatching(/^version support\/summarize@1\.0\.0 sha256:[0-9a-f]{64} uses safety$/),
      expect.stringMatching(/^version support\/summarize@1\.1\.0 sha256:[0-9a-f]{64} uses safety$/),
    ]);
  });

  it("passes a tree that matches its lock", async () => {
    const { files, lockText } = await lockedTree();
    expect(await check(files, lockText)).toEqual([]);
  });

  it("fails a published version whose prompt changed in place, pointing at its file and the lock line", async () => {
    const { files, lockText } = await lockedTree();
    const edited = { ...files, [V1]: versionYaml({ replace: [["You summarise", "You briefly summarise"]] }) };
    const findings = await check(edited, lockText);
    expect(findings).toEqual([
      expect.objectContaining({
        code: "published_changed_in_place",
        file: V1,
        line: 1,
        column: 1,
        ref: "support/summarize@1.0.0",
      }),
    ]);
    expect(findings[0]!.message).toContain("promptreg.lock:6");
  });

  it.each([
    ["the model params", ["temperature: 0.2", "temperature: 0.3"]],
    ["an input constraint", ["maxLength: 5000", "maxLength: 4000"]],
    ["the output schema", ["description: Two sentences for the agent.", "description: Two sentences."]],
    ["a fallback", ["fallbacks: [anthropic/claude-3-5-haiku]", "fallbacks: [openai/gpt-4o]"]],
  ] as const)("treats a change of %s as a change in place", async (_what, change) => {
    const { files, lockText } = await lockedTree();
    const findings = await check({ ...files, [V1]: versionYaml({ replace: [change] }) }, lockText);
    expect(findings.map((finding) => finding.code)).toEqual(["published_changed_in_place"]);
  });

  it("allows deprecating, and editing description, owners, tags, changelog and examples in place", async () => {
    const { files, lockText } = await lockedTree();
    const edited = versionYaml({
      status: "deprecated",
      replace: [
        ["description: Summarises", "description: Summarizes"],
        ["owners: [support@acme.example]", "owners: [helpdesk@acme.example]"],
        ["tags: [support]", "tags: [support, legacy]"],
        ["changelog: First version.", 'changelog: "First version. Deprecated: use 2.x."'],
        ['"I was charged twice."', '"I was charged three times."'],
      ],
    });
    expect(await check({ ...files, [V1]: edited }, lockText)).toEqual([]);
  });

  it("lets drafts change freely", async () => {
    const { files, lockText } = await lockedTree();
    const draft = versionYaml({
      version: "1.1.0",
      status: "draft",
      replace: [["You summarise", "Summarise"]],
    });
    expect(await check({ ...files, "support/summarize/1.1.0.yaml": draft }, lockText)).toEqual([]);
  });

  it("names a changed partial once, with the published versions it changes", async () => {
    const { files, lockText } = await lockedTree();
    const findings = await check({ ...files, "_partials/safety.hbs": "New safety text." }, lockText);
    expect(findings).toEqual([
      expect.objectContaining({ code: "published_partial_changed", file: "_partials/safety.hbs" }),
    ]);
    expect(findings[0]!.message).toContain("support/summarize@1.0.0");
    expect(findings[0]!.message).not.toContain("1.1.0");
  });

  it("asks for a lock entry when a version is published", async () => {
    const { files, lockText } = await lockedTree();
    const published = versionYaml({ version: "1.1.0" });
    const findings = await check({ ...files, "support/summarize/1.1.0.yaml": published }, lockText);
    expect(findings).toEqual([
      expect.objectContaining({ code: "lock_version_missing", file: "support/summarize/1.1.0.yaml" }),
    ]);
  });

  it("reports entries of deleted versions and of versions sent back to draft at their lock line", async () => {
    const { files, lockText } = await lockedTree();
    const deleted = await check(
      { "support/other/1.0.0.yaml": versionYaml({ id: "support/other" }) },
      lockText,
    );
    expect(deleted).toContainEqual(
      expect.objectContaining({ code: "lock_entry_stale", file: "promptreg.lock", line: 6 }),
    );
    expect(deleted.find((f) => f.code === "lock_entry_stale")!.message).toContain("no longer in the tree");
    const unpublished = await check({ ...files, [V1]: versionYaml({ status: "draft" }) }, lockText);
    expect(unpublished).toEqual([expect.objectContaining({ code: "lock_entry_stale", line: 6 })]);
    expect(unpublished[0]!.message).toContain("cannot go back to draft");
  });

  it("warns once when there is no lockfile but something is published, and not for drafts only", async () => {
    const { files } = await lockedTree();
    expect(await check(files, undefined)).toEqual([
      expect.objectContaining({ code: "lock_file_missing", file: "promptreg.lock" }),
    ]);
    expect(await check({ "a/b/1.0.0.yaml": versionYaml({ id: "a/b", status: "draft" }) }, undefined)).toEqual(
      [],
    );
  });

  it("reports unreadable lines with line and column and still checks the others", async () => {
    const { files, lockText } = await lockedTree();
    const broken = lockText
      .replace(/^partial safety sha256:[0-9a-f]{64}$/m, "partial safety sha256:nothex")
      .concat("version support/summarize@9.9.9\nbogus line\n");
    const { findings } = parseLock({ text: broken, file: "promptreg.lock" });
    expect(findings.map((f) => [f.code, f.line, f.column])).toEqual([
      ["lock_invalid", 5, 16],
      ["lock_invalid", 7, 33],
      ["lock_invalid", 8, 1],
    ]);
    // The partial line is unreadable, so the partial counts as changed; the version itself still matches.
    const checked = await check(files, broken);
    expect(checked.map((f) => f.code).sort()).toEqual([
      "lock_invalid",
      "lock_invalid",
      "lock_invalid",
      "published_partial_changed",
    ]);
  });

  it("refuses a file without the format line and duplicated entries", () => {
    const hash = `sha256:${"a".repeat(64)}`;
    const noHeader = parseLock({ text: `partial x ${hash}\n`, file: "l" });
    expect(noHeader.findings).toEqual([expect.objectContaining({ code: "lock_invalid", line: 1 })]);
    const twice = parseLock({
      text: `${LOCK_FORMAT}\nversion a/b@1.0.0 ${hash}\nversion a/b@1.0.0 ${hash}\n`,
      file: "l",
    });
    expect(twice.findings).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringContaining("line 2") }),
    ]);
  });

  it("reads back exactly what it writes", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9/-]{0,20}$/);
    const hash = fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`);
    fc.assert(
      fc.property(
        fc.dictionary(name, hash, { maxKeys: 5 }),
        fc.dictionary(
          fc.tuple(name, fc.stringMatching(/^[0-9]\.[0-9]\.[0-9]$/)).map(([id, v]) => `${id}@${v}`),
          fc.record({ hash, uses: fc.uniqueArray(name, { maxLength: 3 }) }),
          { maxKeys: 5 },
        ),
        (partials, versions) => {
          const lock = {
            partials: new Map(Object.entries(partials).map(([n, h]) => [n, { hash: h, line: 0 }])),
            versions: new Map(
              Object.entries(versions).map(([ref, v]) => [
                ref,
                { hash: v.hash, uses: [...v.uses].sort(), line: 0 },
              ]),
            ),
          };
          const parsed = parseLock({ text: formatLock(lock), file: "l" });
          expect(parsed.findings).toEqual([]);
          const strip = (map: Map<string, { line: number }>) =>
            [...map].map(([key, { line: _line, ...rest }]) => [key, rest]).sort();
          expect(strip(parsed.lock.partials)).toEqual(strip(lock.partials));
          expect(strip(parsed.lock.versions)).toEqual(strip(lock.versions));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("updateLock reports what it adds, removes and what changed", async () => {
    const { files, lockText } = await lockedTree();
    const registry = await registryOf({
      [V1]: versionYaml({ replace: [["You summarise", "You shortly summarise"]] }),
      "support/summarize/1.1.0.yaml": versionYaml({ version: "1.1.0" }),
      "_partials/safety.hbs": "Changed.",
    });
    const update = updateLock({ registry, previousText: lockText });
    expect(update).toMatchObject({
      added: ["support/summarize@1.1.0"],
      removed: [],
      changed: ["support/summarize@1.0.0", "partial safety"],
    });
    expect(updateLock({ registry: await registryOf({}), previousText: lockText }).removed).toEqual([
      "support/summarize@1.0.0",
    ]);
    expect(updateLock({ registry: await registryOf(files), previousText: lockText })).toMatchObject({
      text: lockText,
      added: [],
      removed: [],
      changed: [],
    });
  });
});
