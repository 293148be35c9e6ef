import { parseClientKeys } from "@promptreg/signing";
import { describe, expect, it } from "vitest";
import { createCredentialSet } from "./credentials.js";

const KEYS = `clients:
  - keyId: app-main
    secrets: ["main-secret-0123456789abcdef"]
  - keyId: app-support
    secrets: ["support-secret-0123456789ab"]
    allowedTemplates: ["support/"]
    rateLimit: { requestsPerMinute: 5 }
`;

describe("createCredentialSet", () => {
  const credentials = createCredentialSet({
    keys: parseClientKeys(KEYS, { source: "test" }),
    defaultRequestsPerMinute: 120,
  });

  it("hands every request of a client the same frozen identity (no per-request allocation)", () => {
    const first = credentials.client("app-main");
    expect(first).toBeDefined();
    expect(credentials.client("app-main")).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(credentials.client("app-support")).not.toBe(first);
  });

  it("applies the default rate limit, per-client limits and template prefixes", () => {
    expect(credentials.client("app-main")).toMatchObject({ keyId: "app-main", requestsPerMinute: 120 });
    const support = credentials.client("app-support");
    expect(support).toMatchObject({ requestsPerMinute: 5, allowedTemplates: ["support/"] });
    expect(support?.allowsTemplate("support/summarize")).toBe(true);
    expect(support?.allowsTemplate("billing/explain-invoice")).toBe(false);
    expect(credentials.client("app-main")?.allowsTemplate("billing/explain-invoice")).toBe(true);
  });

  it("knows no client for an unknown key, even after repeated lookups", () => {
    expect(credentials.client("nobody")).toBeUndefined();
    expect(credentials.client("nobody")).toBeUndefined();
    expect(credentials.size).toBe(2);
  });
});
