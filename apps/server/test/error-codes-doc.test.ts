import { readFile } from "node:fs/promises";
import { CLIENT_ERROR_CODES } from "@promptreg/client";
import { SERVICE_ERROR_CODES, SERVICE_ERROR_TYPES } from "@promptreg/core";
import { GATEWAY_ERROR_CODES } from "@promptreg/gateway";
import { PROBLEM_CODES, REGISTRY_ERROR_CODES } from "@promptreg/registry";
import { LINT_CODES, RENDER_ERROR_CODES } from "@promptreg/renderer";
import { RUN_ERROR_CODES } from "@promptreg/runtime";
import { SIGNING_ERROR_CODES } from "@promptreg/signing";
import { markdownTableRows } from "@promptreg/test-kit";
import { describe, expect, it } from "vitest";

const API_MD = new URL("../../../docs/api.md", import.meta.url);
const ERRORS_MD = new URL("../../../docs/errors.md", import.meta.url);

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

describe("docs/errors.md code maps table", () => {
  // The maps this test can import (RULE_CODES is @promptreg/policy's, which the service does not depend on).
  const maps: Record<string, { package: string; codes: Record<string, string> }> = {
    SERVICE_ERROR_CODES: { package: "@promptreg/core", codes: SERVICE_ERROR_CODES },
    CLIENT_ERROR_CODES: { package: "@promptreg/client", codes: CLIENT_ERROR_CODES },
    GATEWAY_ERROR_CODES: { package: "@promptreg/gateway", codes: GATEWAY_ERROR_CODES },
    RUN_ERROR_CODES: { package: "@promptreg/runtime", codes: RUN_ERROR_CODES },
    REGISTRY_ERROR_CODES: { package: "@promptreg/registry", codes: REGISTRY_ERROR_CODES },
    RENDER_ERROR_CODES: { package: "@promptreg/renderer", codes: RENDER_ERROR_CODES },
    SIGNING_ERROR_CODES: { package: "@promptreg/signing", codes: SIGNING_ERROR_CODES },
    PROBLEM_CODES: { package: "@promptreg/registry", codes: PROBLEM_CODES },
    LINT_CODES: { package: "@promptreg/renderer", codes: LINT_CODES },
  };

  it("names each map with its package, and lists a map's codes exactly where it lists them", async () => {
    const rows = new Map<string, { package: string; codes: string[] }>();
    for (const [name, where, codes] of markdownTableRows(
      await readFile(ERRORS_MD, "utf8"),
      "## The code maps",
    )) {
      const map = /^`([A-Z_]+)`$/.exec(name ?? "")?.[1];
      if (map === undefined) continue;
      rows.set(map, {
        package: /`(@promptreg\/[a-z-]+)`/.exec(where ?? "")?.[1] ?? "",
        codes: [...(codes ?? "").matchAll(/`([a-z_0-9]+)`/g)].map((match) => match[1]!),
      });
    }
    for (const [name, map] of Object.entries(maps)) {
      const row = rows.get(name);
      expect(row, `${name} is missing from docs/errors.md`).toBeDefined();
      expect(row!.package).toBe(map.package);
      if (row!.codes.length > 0) expect([...row!.codes].sort()).toEqual(Object.keys(map.codes).sort());
    }
  });
});
