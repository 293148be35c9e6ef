import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { RENDER_ERROR_CODES } from "./render-error-codes.js";

const RENDERER_MD = new URL("../../../../docs/renderer.md", import.meta.url);

describe("RENDER_ERROR_CODES", () => {
  it("is exactly the code column of docs/renderer.md's error table", async () => {
    const text = await readFile(RENDERER_MD, "utf8");
    const section = text.slice(text.indexOf("## Errors"));
    const codes: string[] = [];
    for (const line of section.split("\n")) {
      const cells = line.split("|").map((cell) => cell.trim());
      if (!/^`[A-Za-z]+Error`$/.test(cells[1] ?? "")) continue;
      codes.push(...[...(cells[2] ?? "").matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!));
    }
    expect(codes.sort()).toEqual(Object.keys(RENDER_ERROR_CODES).sort());
  });
});
