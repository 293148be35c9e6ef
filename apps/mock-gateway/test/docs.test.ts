import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFaultSteps } from "../src/index.js";
import { resolveOptions } from "../src/options.js";
import { gatewayErrorBody } from "../src/reply/error-body.js";

// docs/mock-gateway.md is the user-facing contract; these tests execute its tables so docs and code cannot drift.
const doc = readFileSync(new URL("../../../docs/mock-gateway.md", import.meta.url), "utf8");

/** Rows of the first markdown table that follows `heading`, as arrays of trimmed cells. */
function tableAfter(heading: string): string[][] {
  const start = doc.indexOf(heading);
  if (start === -1) throw new Error(`heading ${heading} not found in docs/mock-gateway.md`);
  const lines = doc.slice(start).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split(" | ")
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const code = (cell: string) => cell.replace(/^`|`$/g, "");

describe("docs/mock-gateway.md", () => {
  it("every example step list parses", () => {
    const rows = tableAfter("Examples (executed by");
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const [example] of rows) expect(parseFaultSteps(code(example!)).length).toBeGreaterThan(0);
  });

  it("every kind in the protocol table parses with the parameters it shows", () => {
    const rows = tableAfter("Step grammar:");
    const kinds = rows.flatMap(([cell]) => [...cell!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!));
    expect(kinds).toHaveLength(22);
    const concrete = kinds.map((kind) =>
      kind
        .replace(/=N\b/g, "=1")
        .replace(/=K\b/g, "=1")
        .replace(/=[XY]\b/g, "=x"),
    );
    for (const step of concrete) expect(() => parseFaultSteps(step)).not.toThrow();
  });

  it("every Retry-After parameter of the 429 row parses for 429 and 503", () => {
    const row = tableAfter("Step grammar:").find(([kind]) => kind === "`429`")!;
    const params = [...row[1]!.matchAll(/`(s=N|date=N|ms=N|none|raw=<text>)`/g)].map((match) => match[1]!);
    expect(params).toEqual(["s=N", "date=N", "ms=N", "none", "raw=<text>"]);
    for (const param of params) {
      const concrete = param.replace("N", "2").replace("<text>", "later");
      expect(() => parseFaultSteps(`429:${concrete},503:${concrete}`)).not.toThrow();
    }
  });

  it("the error body table matches what the mock sends", () => {
    const rows = tableAfter("Scripted statuses use:");
    expect(rows).toHaveLength(12);
    for (const [status, type, origin, reason, failed] of rows) {
      const { error } = gatewayErrorBody({ status: Number(status), provider: "p", generationId: "gen_1" });
      const types = type!.split(" / ").map(code);
      expect(types).toContain(error.type);
      expect(error.error_type).toBe(error.type);
      expect(error.error_origin).toBe(origin);
      expect(error.reason).toBe(code(reason!));
      expect(error.failed_providers).toEqual(code(failed!) === "[]" ? [] : ["p"]);
    }
  });

  it("every option in the options table is a real option, and an unknown one is rejected", () => {
    const names = tableAfter("## Options").map(([name]) => code(name!));
    expect(names).toContain("faultRate");
    expect(names.length).toBeGreaterThanOrEqual(12);
    for (const name of names) expect(() => resolveOptions({ [name]: undefined })).not.toThrow();
    expect(() => resolveOptions({ faultRat: 0.1 } as never)).toThrow(/faultRat/);
  });
});
