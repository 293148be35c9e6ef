import { readFile } from "node:fs/promises";
import { BATCH_ERROR_CODES } from "@promptreg/batches";
import { CLI_ERROR_CODES } from "@promptreg/cli";
import { CLIENT_ERROR_CODES } from "@promptreg/client";
import { SERVICE_ERROR_CODES } from "@promptreg/core";
import { EMBEDDED_ERROR_CODES } from "@promptreg/embedded";
import { GATEWAY_ERROR_CODES } from "@promptreg/gateway";
import { MOCK_GATEWAY_ERROR_CODES } from "@promptreg/mock-gateway";
import { POLICY_ERROR_CODES, RULE_CODES } from "@promptreg/policy";
import { PROBLEM_CODES, REGISTRY_ERROR_CODES } from "@promptreg/registry";
import { LINT_CODES, RENDER_ERROR_CODES } from "@promptreg/renderer";
import { REVIEW_ERROR_CODES } from "@promptreg/review";
import { RUN_ERROR_CODES } from "@promptreg/runtime";
import { SIGNING_ERROR_CODES } from "@promptreg/signing";
import { markdownTableRows } from "@promptreg/test-kit";
import { WEBHOOK_ERROR_CODES } from "@promptreg/webhooks";
import { describe, expect, it } from "vitest";
import { DOCS_ERROR_CODES } from "../src/errors/docs-error-codes.js";

const ERRORS_MD = new URL("../../../docs/errors.md", import.meta.url);

describe("docs/errors.md code maps table", () => {
  // Every package's closed map: a new one joins here and in the doc's table.
  const maps: Record<string, { package: string; codes: Record<string, string> }> = {
    SERVICE_ERROR_CODES: { package: "@promptreg/core", codes: SERVICE_ERROR_CODES },
    CLIENT_ERROR_CODES: { package: "@promptreg/client", codes: CLIENT_ERROR_CODES },
    GATEWAY_ERROR_CODES: { package: "@promptreg/gateway", codes: GATEWAY_ERROR_CODES },
    RUN_ERROR_CODES: { package: "@promptreg/runtime", codes: RUN_ERROR_CODES },
    REGISTRY_ERROR_CODES: { package: "@promptreg/registry", codes: REGISTRY_ERROR_CODES },
    RENDER_ERROR_CODES: { package: "@promptreg/renderer", codes: RENDER_ERROR_CODES },
    SIGNING_ERROR_CODES: { package: "@promptreg/signing-core", codes: SIGNING_ERROR_CODES },
    PROBLEM_CODES: { package: "@promptreg/registry", codes: PROBLEM_CODES },
    LINT_CODES: { package: "@promptreg/renderer", codes: LINT_CODES },
    RULE_CODES: { package: "@promptreg/policy", codes: RULE_CODES },
    POLICY_ERROR_CODES: { package: "@promptreg/policy", codes: POLICY_ERROR_CODES },
    REVIEW_ERROR_CODES: { package: "@promptreg/review", codes: REVIEW_ERROR_CODES },
    CLI_ERROR_CODES: { package: "@promptreg/cli", codes: CLI_ERROR_CODES },
    DOCS_ERROR_CODES: { package: "@promptreg/docs-site", codes: DOCS_ERROR_CODES },
    MOCK_GATEWAY_ERROR_CODES: { package: "@promptreg/mock-gateway", codes: MOCK_GATEWAY_ERROR_CODES },
    WEBHOOK_ERROR_CODES: { package: "@promptreg/webhooks", codes: WEBHOOK_ERROR_CODES },
    EMBEDDED_ERROR_CODES: { package: "@promptreg/embedded", codes: EMBEDDED_ERROR_CODES },
    BATCH_ERROR_CODES: { package: "@promptreg/batches", codes: BATCH_ERROR_CODES },
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
    expect([...rows.keys()].sort(), "a map in docs/errors.md this test does not check").toEqual(
      Object.keys(maps).sort(),
    );
    for (const [name, map] of Object.entries(maps)) {
      const row = rows.get(name);
      expect(row, `${name} is missing from docs/errors.md`).toBeDefined();
      expect(row!.package).toBe(map.package);
      if (row!.codes.length > 0) expect([...row!.codes].sort()).toEqual(Object.keys(map.codes).sort());
    }
  });
});
