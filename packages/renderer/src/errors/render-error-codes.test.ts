import { readFile } from "node:fs/promises";
import { markdownTableRows } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";
import { RENDER_ERROR_CODES } from "./render-error-codes.js";

const RENDERER_MD = new URL("../../../../docs/renderer.md", import.meta.url);

describe("RENDER_ERROR_CODES", () => {
  it("is exactly the code column of docs/renderer.md's error table (one or two codes per class)", async () => {
    const rows = markdownTableRows(await readFile(RENDERER_MD, "utf8"), "## Errors");
    const codes = rows
      .filter(([errorClass]) => /^`[A-Za-z]+Error`$/.test(errorClass ?? ""))
      .flatMap(([, cell]) => [...(cell ?? "").matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!));
    expect(codes.sort()).toEqual(Object.keys(RENDER_ERROR_CODES).sort());
  });
});
