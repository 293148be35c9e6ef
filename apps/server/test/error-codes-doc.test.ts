import { readFile } from "node:fs/promises";
import { SERVICE_ERROR_CODES, SERVICE_ERROR_TYPES } from "@promptreg/core";
import { markdownTableRows } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";

const API_MD = new URL("../../../docs/api.md", import.meta.url);

/** The rows of docs/api.md's error table: status, `type` and the codes column. */
async function documentedRows(): Promise<{ status: number; type: string; codes: string[] }[]> {
  return markdownTableRows(await readFile(API_MD, "utf8"), "## Errors")
    .filter(([status]) => /^\d{3}$/.test(status ?? ""))
    .map(([status, type, codes]) => ({
      status: Number(status),
      type: /^`([a-z_]+)`$/.exec(type ?? "")?.[1] ?? "",
      codes: [...(codes ?? "").matchAll(/`([a-z_0-9]+)`/g)].map((match) => match[1]!),
    }));
}

// docs/errors.md's table of every package's code map is checked in tooling/docs-site (error-code-maps.test.ts),
// the one package that may import them all: the CLI and the docs site depend on this service.
describe("docs/api.md error table", () => {
  it("lists exactly the codes of SERVICE_ERROR_CODES, each once", async () => {
    const rows = await documentedRows();
    const documented = rows.flatMap((row) => row.codes);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(SERVICE_ERROR_CODES).sort());
  });

  it("names each type with the status SERVICE_ERROR_TYPES gives it (499 borrows invalid_request)", async () => {
    for (const row of await documentedRows()) {
      expect(Object.keys(SERVICE_ERROR_TYPES)).toContain(row.type);
      if (row.status !== 499)
        expect(SERVICE_ERROR_TYPES[row.type as keyof typeof SERVICE_ERROR_TYPES]).toBe(row.status);
    }
  });
});
