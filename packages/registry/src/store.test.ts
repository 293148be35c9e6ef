import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StoreError } from "./errors/store-error.js";
import { LIMITS } from "./limits.js";
import { classifyPath, createMemoryStore, unsafePathReason } from "./store.js";

describe("classifyPath", () => {
  it.each([
    ["support/summarize-ticket/1.2.0.yaml", "template"],
    ["support/summarize-ticket/labels.yaml", "labels"],
    ["_partials/support/tone.hbs", "partial"],
    ["_partials/readme.md", "ignored"],
    ["_drafts/x/1.0.0.yaml", "ignored"],
    [".github/workflows/ci.yaml", "ignored"],
    ["support/.DS_Store", "ignored"],
    ["README.md", "other"],
    ["promptreg.lock", "ignored"],
    ["support/promptreg.lock", "other"],
    ["top.yaml", "other"],
    ["support/x/1.0.0.yml", "other"],
    ["../escape/1.0.0.yaml", "unsafe"],
    ["/etc/passwd", "unsafe"],
    ["C:/x/1.0.0.yaml", "unsafe"],
    ["a\\b/1.0.0.yaml", "unsafe"],
    ["a//b/1.0.0.yaml", "unsafe"],
    ["a/./b/1.0.0.yaml", "unsafe"],
  ])("%s is %s", (path, kind) => {
    expect(classifyPath(path).kind).toBe(kind);
  });

  it("never calls a path containing a '..' segment safe", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "..", "b", "_partials", "x.yaml"), { minLength: 1, maxLength: 6 }),
        (segments) => {
          const path = segments.join("/");
          if (segments.includes("..")) expect(unsafePathReason(path)).toBeDefined();
        },
      ),
    );
  });
});

describe("createMemoryStore", () => {
  it("lists sorted, classified files with sizes and reads them back", async () => {
    const store = createMemoryStore({ "b/1.0.0.yaml": "é", "a/labels.yaml": "x: 1.0.0" });
    expect(await store.list()).toEqual([
      { path: "a/labels.yaml", kind: "labels", size: 8 },
      { path: "b/1.0.0.yaml", kind: "template", size: 2 },
    ]);
    expect(await store.read("b/1.0.0.yaml")).toBe("é");
  });

  it("refuses unsafe and unknown paths with a typed StoreError", async () => {
    const store = createMemoryStore(new Map([["a/1.0.0.yaml", "x"]]));
    const unsafe = await store.read("../a/1.0.0.yaml").catch((error: unknown) => error);
    expect(StoreError.isInstance(unsafe)).toBe(true);
    expect(unsafe).toMatchObject({ code: "unsafe_path", path: "../a/1.0.0.yaml" });
    // The reason is the message without its path prefix, so callers never slice the message.
    expect((unsafe as StoreError).message).toBe(`../a/1.0.0.yaml: ${(unsafe as StoreError).reason}`);
    expect((unsafe as StoreError).reason).not.toContain("../a/1.0.0.yaml:");
    await expect(store.read("b/1.0.0.yaml")).rejects.toMatchObject({ code: "file_not_found" });
  });

  it("decodes bytes as strict UTF-8 and names the first bad byte's position", async () => {
    const store = createMemoryStore(
      {
        "a/1.0.0.yaml": new TextEncoder().encode("é"),
        "a/2.0.0.yaml": Uint8Array.of(0x61, 0x0a, 0x62, 0xe9),
      },
      { location: "git main:templates" },
    );
    expect(store.location).toBe("git main:templates");
    expect(await store.list()).toMatchObject([{ size: 2 }, { size: 4 }]);
    expect(await store.read("a/1.0.0.yaml")).toBe("é");
    await expect(store.read("a/2.0.0.yaml")).rejects.toMatchObject({
      code: "invalid_utf8",
      position: { line: 2, column: 2 },
    });
    await expect(store.read("b/1.0.0.yaml")).rejects.toThrow(/no such file in git main:templates/);
  });

  it("refuses oversize byte content like oversize text", async () => {
    const store = createMemoryStore({ "a/1.0.0.yaml": new Uint8Array(LIMITS.maxFileBytes + 1) });
    await expect(store.read("a/1.0.0.yaml")).rejects.toMatchObject({ code: "file_too_large" });
  });
});
