import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { GATEWAY_ERROR_CODES } from "./gateway-error-codes.js";

const GATEWAY_CLIENT_MD = new URL("../../../../docs/gateway-client.md", import.meta.url);

describe("GATEWAY_ERROR_CODES", () => {
  it("is exactly the code column of docs/gateway-client.md's error table", async () => {
    const text = await readFile(GATEWAY_CLIENT_MD, "utf8");
    const section = text.slice(text.indexOf("## Errors"));
    const codes: string[] = [];
    for (const line of section.split("\n")) {
      const cells = line.split("|").map((cell) => cell.trim());
      if (!/^`[A-Za-z]+Error`$/.test(cells[1] ?? "")) continue;
      const code = /^`([a-z_]+)`$/.exec(cells[2] ?? "")?.[1];
      if (code !== undefined) codes.push(code);
    }
    expect(codes.sort()).toEqual(Object.keys(GATEWAY_ERROR_CODES).sort());
  });
});
