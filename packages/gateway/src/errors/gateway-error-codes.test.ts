import { readFile } from "node:fs/promises";
import { markdownTableRows } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";
import { GATEWAY_ERROR_CODES } from "./gateway-error-codes.js";

const GATEWAY_CLIENT_MD = new URL("../../../../docs/gateway-client.md", import.meta.url);

describe("GATEWAY_ERROR_CODES", () => {
  it("is exactly the code column of docs/gateway-client.md's error table", async () => {
    const rows = markdownTableRows(await readFile(GATEWAY_CLIENT_MD, "utf8"), "## Errors");
    const codes = rows
      .filter(([errorClass]) => /^`[A-Za-z]+Error`$/.test(errorClass ?? ""))
      .map(([, code]) => /^`([a-z_]+)`$/.exec(code ?? "")?.[1]);
    expect(codes.sort()).toEqual(Object.keys(GATEWAY_ERROR_CODES).sort());
  });
});
