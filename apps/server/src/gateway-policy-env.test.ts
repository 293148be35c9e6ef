import { readFile } from "node:fs/promises";
import { resolveGatewayPolicies } from "@promptreg/gateway";
import { describe, expect, it } from "vitest";
import { GATEWAY_POLICY_VARIABLE_NAMES, GATEWAY_POLICY_VARIABLES } from "./gateway-policy-env.js";

const OPERATIONS = new URL("../../../docs/operations.md", import.meta.url);

/** `| \`NAME\` | \`default\` | meaning |` rows of docs/operations.md, by variable name. */
async function documentedDefaults(): Promise<Map<string, string>> {
  const text = await readFile(OPERATIONS, "utf8");
  const rows = new Map<string, string>();
  for (const match of text.matchAll(/^\| `([A-Z_]+)` \| `([^`]*)` \|/gm)) rows.set(match[1]!, match[2]!);
  return rows;
}

describe("docs/operations.md, gateway client policies", () => {
  it("lists every GATEWAY_* policy variable with the gateway client's own default", async () => {
    const rows = await documentedDefaults();
    const defaults = resolveGatewayPolicies({}) as unknown as Record<string, Record<string, number>>;
    for (const [name, [policy, option]] of Object.entries(GATEWAY_POLICY_VARIABLES)) {
      expect(rows.get(name), `${name} row`).toBe(String(defaults[policy]?.[option]));
    }
    expect(rows.get("GATEWAY_CIRCUIT_BREAKER")).toBe("on");
    for (const name of GATEWAY_POLICY_VARIABLE_NAMES) expect(rows.has(name), name).toBe(true);
  });
});
