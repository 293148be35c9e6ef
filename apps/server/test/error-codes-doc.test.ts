import { readFile } from "node:fs/promises";
import { SERVICE_ERROR_CODES, SERVICE_ERROR_TYPES } from "@promptreg/core";
import { describe, expect, it } from "vitest";

const API_MD = new URL("../../../docs/api.md", import.meta.url);

/** The rows of docs/api.md's error table: status, `type` and the codes column. */
async function documentedRows(): Promise<{ status: number; type: string; codes: string[] }[]> {
  const text = await readFile(API_MD, "utf8");
  const section = text.slice(text.indexOf("## Errors"), text.indexOf("## Template references"));
  const rows = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    if (!/^\d{3}$/.test(cells[1] ?? "")) continue;
    const type = /^`([a-z_]+)`$/.exec(cells[2] ?? "")?.[1] ?? "";
    const codes = [...(cells[3] ?? "").matchAll(/`([a-z_0-9]+)`/g)].map((match) => match[1]!);
    rows.push({ status: Number(cells[1]), type, codes });
  }
  return rows;
}

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
