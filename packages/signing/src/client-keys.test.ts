import { inspect } from "node:util";
import { thrownBy } from "@promptreg/test-kit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseClientKeys } from "./client-keys.js";
import { InvalidClientKeysError } from "./errors/invalid-client-keys-error.js";

const S1 = "first-secret-0123456789";
const S2 = "second-secret-abcdefghij";
const S3 = "third-secret-ABCDEFGHIJK";

const parseError = (text: string, options?: Parameters<typeof parseClientKeys>[1]) =>
  thrownBy(() => parseClientKeys(text, options), InvalidClientKeysError);

describe("parseClientKeys: env format", () => {
  it("parses keyId:secret pairs and exposes lookupSecrets", () => {
    const keys = parseClientKeys(` app-1:${S1} , web.2:${S2}`);
    expect(keys.clients.map((c) => c.keyId)).toEqual(["app-1", "web.2"]);
    expect(keys.lookupSecrets("app-1")).toEqual([S1]);
    expect(keys.lookupSecrets("nobody")).toBeUndefined();
    expect(keys.get("web.2")?.allowsTemplate("anything")).toBe(true);
  });

  it("gives a repeated key id a second secret for rotation", () => {
    const keys = parseClientKeys(`app:${S1},app:${S2}`);
    expect(keys.clients).toHaveLength(1);
    expect(keys.lookupSecrets("app")).toEqual([S1, S2]);
  });

  it("keeps colons inside the secret", () => {
    const keys = parseClientKeys("app:abc:def:0123456789abcdef");
    expect(keys.lookupSecrets("app")).toEqual(["abc:def:0123456789abcdef"]);
  });

  it("lists every bad entry without quoting secrets", () => {
    const error = parseError(`app:short,,noseparator${S3},bad id:${S1},x:${S1},x:${S1},x:${S2},x:${S3}`, {
      source: "PROMPTREG_CLIENT_KEYS",
    });
    expect(error.code).toBe("invalid_client_keys");
    expect(error.format).toBe("env");
    expect(error.source).toBe("PROMPTREG_CLIENT_KEYS");
    expect(error.issues.map((i) => i.location)).toEqual([
      "entry 1",
      "entry 2",
      "entry 3",
      "entry 4",
      "entry 6",
      "entry 8",
    ]);
    expect(error.message).toContain("PROMPTREG_CLIENT_KEYS");
    for (const secret of ["short", S1, S2, S3]) expect(error.message).not.toContain(secret);
  });

  it("rejects empty input", () => {
    expect(parseError("   ").issues[0]?.message).toMatch(/no client credentials/);
  });
});

describe("parseClientKeys: file formats", () => {
  const json = JSON.stringify({
    clients: [
      {
        keyId: "support-bot",
        secrets: [S1, S2],
        allowedTemplates: ["support/"],
        rateLimit: { requestsPerMinute: 60 },
      },
      { keyId: "analytics", secrets: [S3] },
    ],
  });

  it("parses JSON with rotation, template prefixes and rate limits", () => {
    const keys = parseClientKeys(json);
    const bot = keys.get("support-bot")!;
    expect(bot.secrets).toEqual([S1, S2]);
    expect(bot.rateLimit).toEqual({ requestsPerMinute: 60 });
    expect(bot.allowsTemplate("support/summarize")).toBe(true);
    expect(bot.allowsTemplate("billing/refund")).toBe(false);
    expect(keys.get("analytics")?.allowedTemplates).toBeUndefined();
  });

  it("parses the same document as YAML", () => {
    const yaml = `clients:\n  - keyId: support-bot\n    secrets:\n      - ${S1}\n    allowedTemplates: [support]\n`;
    const bot = parseClientKeys(yaml).get("support-bot")!;
    expect(bot.secrets).toEqual([S1]);
    expect(bot.allowsTemplate("support/a/b")).toBe(true);
    expect(bot.allowsTemplate("support")).toBe(true);
    expect(bot.allowsTemplate("supportive/x")).toBe(false);
  });

  it("reports schema problems by JSON path", () => {
    const error = parseError(
      JSON.stringify({
        clients: [
          { keyId: "a", secrets: [S1, S2, S3] },
          { keyId: "b", secret: S1 },
          { keyId: "c", secrets: ["tiny"], rateLimit: { requestsPerMinute: 0 } },
        ],
      }),
      { source: "/run/secrets/keys.json" },
    );
    const locations = error.issues.map((i) => i.location);
    expect(locations).toContain("clients[0].secrets");
    expect(locations).toContain("clients[1]");
    expect(locations).toContain("clients[2].secrets[0]");
    expect(locations).toContain("clients[2].rateLimit.requestsPerMinute");
    for (const secret of [S1, S2, S3, "tiny"]) expect(error.message).not.toContain(secret);
  });

  it("parses cost-attribution dimensions with their allowed values, shown in toJSON", () => {
    const keys = parseClientKeys(
      JSON.stringify({
        clients: [
          {
            keyId: "web",
            secrets: [S1],
            dimensions: { feature: ["search", "checkout"], customer_tier: ["free", "pro"] },
          },
        ],
      }),
    );
    const web = keys.get("web")!;
    expect(web.dimensions).toEqual({ feature: ["search", "checkout"], customer_tier: ["free", "pro"] });
    expect(Object.isFrozen(web.dimensions?.feature)).toBe(true);
    expect(JSON.stringify(web)).toContain('"dimensions":{"feature":["search","checkout"]');
  });

  it("refuses unbounded or unsafe dimensions, naming each", () => {
    const tooMany = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`d${i}`, ["a"]]));
    const error = parseError(
      JSON.stringify({
        clients: [
          { keyId: "a", secrets: [S1], dimensions: { Feature: ["x"], template: ["y"], team: [] } },
          { keyId: "b", secrets: [S2], dimensions: tooMany },
          {
            keyId: "c",
            secrets: [S3],
            dimensions: {
              feature: Array.from({ length: 51 }, (_, i) => `f${i}`),
              team: ["none"],
              tier: ["pro", "pro"],
              region: ["eu west"],
            },
          },
        ],
      }),
    );
    const locations = error.issues.map((i) => i.location).sort();
    expect(locations).toEqual(
      [
        "clients[0].dimensions.Feature",
        "clients[0].dimensions.template",
        "clients[0].dimensions.team",
        "clients[1].dimensions",
        "clients[2].dimensions.feature",
        "clients[2].dimensions.team[0]",
        "clients[2].dimensions.tier",
        "clients[2].dimensions.region[0]",
      ].sort(),
    );
  });

  it("rejects duplicate key ids and a secret listed twice", () => {
    const error = parseError(
      JSON.stringify({
        clients: [
          { keyId: "a", secrets: [S1, S1] },
          { keyId: "a", secrets: [S2] },
        ],
      }),
    );
    expect(error.issues.map((i) => i.location)).toEqual(["clients[0].secrets", "clients[1].keyId"]);
  });

  it("reports syntax errors by position only, never quoting the text", () => {
    const badJson = `{"clients":[{"keyId":"a","secrets":["${S1}"]]}`;
    const jsonError = parseError(badJson);
    expect(jsonError.format).toBe("json");
    expect(jsonError.message).not.toContain(S1);
    const badYaml = `clients:\n  - keyId: a\n    secrets: [${S1}\n  bad: : :\n`;
    const yamlError = parseError(badYaml);
    expect(yamlError.format).toBe("yaml");
    expect(yamlError.issues[0]?.location).toMatch(/^line \d+, column \d+$/);
    expect(yamlError.message).not.toContain(S1);
  });

  it("never leaks a secret from arbitrary malformed input (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 16, maxLength: 40 }).filter((s) => s.trim().length >= 16 && !/[\s,:]/.test(s)),
        fc.constantFrom(
          (s: string) => `{"clients":[{"keyId":"a","secrets":["${s}"`,
          (s: string) => `clients:\n - keyId: a\n   secrets: ["${s}"\n`,
          (s: string) => `bad id:${s}`,
          (s: string) => `{"clients":[{"keyId":"a","secrets":["${s}","${s}","${s}"]}]}`,
          (s: string) => `a:${s},a:${s}`,
        ),
        (secret, template) => {
          try {
            parseClientKeys(template(secret));
          } catch (error) {
            expect(String((error as Error).message)).not.toContain(secret);
            expect(JSON.stringify(error)).not.toContain(secret);
            return;
          }
          throw new Error("expected a throw");
        },
      ),
    );
  });
});

describe("ClientCredential redaction", () => {
  it("hides secrets from JSON, inspect, toString, spread and key enumeration", () => {
    const keys = parseClientKeys(`app:${S1},app:${S2}`);
    const credential = keys.get("app")!;
    const views = [
      JSON.stringify(credential),
      JSON.stringify(keys),
      JSON.stringify({ nested: { credential } }),
      inspect(credential, { depth: 10, showHidden: true }),
      inspect(keys, { depth: 10 }),
      String(credential),
      `${credential}`,
      JSON.stringify({ ...credential }),
      Object.keys(credential).join(","),
    ];
    for (const view of views) {
      expect(view).not.toContain(S1);
      expect(view).not.toContain(S2);
    }
    expect(JSON.parse(JSON.stringify(credential))).toEqual({
      keyId: "app",
      secrets: ["[redacted]", "[redacted]"],
    });
    expect(credential.secrets).toEqual([S1, S2]);
  });

  it("is immutable", () => {
    const credential = parseClientKeys(`app:${S1}`).get("app")!;
    expect(() => {
      (credential as { keyId: string }).keyId = "other";
    }).toThrow(TypeError);
    expect(() => (credential.secrets as string[]).push("x")).toThrow(TypeError);
  });
});
