import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { BATCH_LIMIT_VARIABLES, DEFAULT_BATCH_LIMITS } from "../src/index.js";

const DOC = new URL("../../../docs/batches.md", import.meta.url);

describe("docs/batches.md", () => {
  it("lists every budget with its default and variable, exactly as the code has them", async () => {
    const text = await readFile(DOC, "utf8");
    const section = text.slice(text.indexOf("## Budgets"));
    const rows = [...section.matchAll(/^\| (\w+) \| (\d+) \| `(\w+)` \|/gm)].map(
      ([, name, value, variable]) => ({
        name,
        value: Number(value),
        variable,
      }),
    );
    expect(rows).toEqual(
      Object.entries(DEFAULT_BATCH_LIMITS).map(([name, value]) => ({
        name,
        value,
        variable: BATCH_LIMIT_VARIABLES[name as keyof typeof DEFAULT_BATCH_LIMITS],
      })),
    );
  });
});
