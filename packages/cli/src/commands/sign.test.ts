import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createMemoryNonceStore, verifyRequest } from "@promptreg/signing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { useTempProject } from "../__fixtures__/temp-project.js";
import { shellQuote } from "../signed-request.js";

const project = useTempProject();
const DEV_SECRET = "dev-secret-0123456789abcdef-DO-NOT-PRINT";
const BODY = '{"ref":"support/summarize-ticket@production","input":{"ticket":"It\'s broken"}}';

async function withDevCredential(): Promise<void> {
  await writeFile(path.join(project.dir, "pnpm-workspace.yaml"), "packages: []\n");
  await mkdir(path.join(project.dir, ".promptreg"));
  await writeFile(
    path.join(project.dir, ".promptreg", "dev-client.json"),
    JSON.stringify({ keyId: "dev-local", secret: DEV_SECRET, baseUrl: "http://127.0.0.1:4123" }),
  );
}

function parseHeaderLines(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
  );
}

async function verify(options: {
  headers: Record<string, string>;
  secret: string;
  method: string;
  path: string;
  body: string;
}) {
  return verifyRequest({
    method: options.method,
    pathAndQuery: options.path,
    headers: Object.fromEntries(
      Object.entries(options.headers).map(([name, value]) => [name.toLowerCase(), value]),
    ),
    body: options.body,
    lookupSecrets: () => [options.secret],
    nonceStore: createMemoryNonceStore(),
  });
}

describe("promptreg sign", () => {
  it("prints four headers that verify for the body file, and a curl line sending that file to the recorded URL", async () => {
    await withDevCredential();
    await writeFile(path.join(project.dir, "body.json"), BODY);
    const run = await project.cli(["sign", "post", "/v1/run", "--body", "body.json"]);
    expect(run.code).toBe(0);
    const [headerBlock, curl] = run.stdout.split("\n\n");
    const headers = parseHeaderLines(headerBlock!);
    expect(Object.keys(headers)).toEqual([
      "X-Promptreg-Key",
      "X-Promptreg-Timestamp",
      "X-Promptreg-Nonce",
      "X-Promptreg-Signature",
    ]);
    const result = await verify({ headers, secret: DEV_SECRET, method: "POST", path: "/v1/run", body: BODY });
    expect(result).toMatchObject({ ok: true, keyId: "dev-local" });
    expect(curl!.trim()).toBe(
      [
        "curl -sS -X POST http://127.0.0.1:4123/v1/run",
        ...Object.entries(headers).map(([name, value]) => `-H '${name}: ${value}'`),
        "-H 'content-type: application/json' --data-binary @body.json",
      ].join(" "),
    );
    expect(run.stderr).toContain("Signed as dev-local (.promptreg/dev-client.json)");
    expect(run.stdout + run.stderr).not.toContain(DEV_SECRET);
  });

  it("--format headers prints only the header lines (curl -H @file, Postman bulk edit); a GET signs the empty body", async () => {
    await withDevCredential();
    const run = await project.cli(["sign", "GET", "/v1/templates?tag=support", "--format", "headers"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(4);
    const headers = parseHeaderLines(run.stdout);
    const result = await verify({
      headers,
      secret: DEV_SECRET,
      method: "GET",
      path: "/v1/templates?tag=support",
      body: "",
    });
    expect(result.ok).toBe(true);
  });

  it("signs the exact stdin bytes and puts them inline in the curl line (--format json names the key source)", async () => {
    await withDevCredential();
    const run = await project.cli(["sign", "POST", "/v1/render", "--body", "-", "--format", "json"], {
      stdin: BODY,
    });
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed).toMatchObject({
      method: "POST",
      url: "http://127.0.0.1:4123/v1/render",
      keySource: ".promptreg/dev-client.json",
    });
    expect(
      (
        await verify({
          headers: printed.headers,
          secret: DEV_SECRET,
          method: "POST",
          path: "/v1/render",
          body: BODY,
        })
      ).ok,
    ).toBe(true);
    expect(printed.curl).toContain(`--data-raw ${shellQuote(BODY)}`);
    expect(run.stdout).not.toContain(DEV_SECRET);
  });

  it("signs with --key-id and --secret-file (trailing newline ignored), and --url sets the curl line's URL", async () => {
    await writeFile(path.join(project.dir, "secret.txt"), "given-secret-0123456789\n");
    const run = await project.cli(
      [
        "sign",
        "DELETE",
        "/v1/x",
        "--key-id",
        "app-billing",
        "--secret-file",
        "secret.txt",
        "--url",
        "https://promptreg.internal/",
        "--format",
        "curl",
      ],
      { env: { PROMPTREG_KEY_ID: "ignored", PROMPTREG_SECRET: "ignored" } },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^curl -sS -X DELETE https:\/\/promptreg\.internal\/v1\/x -H 'X-Promptreg-Key: app-billing' /,
    );
    const headers = Object.fromEntries(
      [...run.stdout.matchAll(/-H '([^:]+): ([^']+)'/g)].map((match) => [match[1]!, match[2]!]),
    );
    const result = await verify({
      headers,
      secret: "given-secret-0123456789",
      method: "DELETE",
      path: "/v1/x",
      body: "",
    });
    expect(result).toMatchObject({ ok: true, keyId: "app-billing" });
    expect(run.stdout).not.toContain("given-secret");
  });

  it("refuses what cannot be signed with a clear reason: usage errors exit 2, missing files exit 1", async () => {
    const noSecret = await project.cli(["sign", "GET", "/v1/templates", "--key-id", "app"]);
    expect(noSecret).toMatchObject({ code: 2 });
    expect(noSecret.stderr).toContain("--key-id and --secret-file go together");
    const badPath = await project.cli([
      "sign",
      "GET",
      "http://host/v1/templates",
      "--key-id",
      "app",
      "--secret-file",
      "nope.txt",
    ]);
    expect(badPath.code).toBe(1);
    expect(badPath.stderr).toContain('secret file "nope.txt" does not exist');
    await writeFile(path.join(project.dir, "secret.txt"), "s3cret-value\n");
    const fullUrl = await project.cli([
      "sign",
      "GET",
      "http://host/v1/templates",
      "--key-id",
      "app",
      "--secret-file",
      "secret.txt",
    ]);
    expect(fullUrl.code).toBe(2);
    expect(fullUrl.stderr).toContain("pathAndQuery");
    expect(fullUrl.stderr).toContain("not a full URL");
    const badFormat = await project.cli(["sign", "GET", "/v1/templates", "--format", "yaml"]);
    expect(badFormat.code).toBe(2);
    const missingBody = await project.cli([
      "sign",
      "POST",
      "/v1/run",
      "--body",
      "missing.json",
      "--key-id",
      "app",
      "--secret-file",
      "secret.txt",
    ]);
    expect(missingBody.code).toBe(1);
    expect(missingBody.stderr).toContain('body file "missing.json" does not exist');
    await writeFile(path.join(project.dir, "empty.txt"), "\n");
    const emptySecret = await project.cli([
      "sign",
      "GET",
      "/v1/templates",
      "--key-id",
      "app",
      "--secret-file",
      "empty.txt",
    ]);
    expect(emptySecret.code).toBe(1);
    expect(emptySecret.stderr).toContain("is empty");
    const noCredential = await project.cli(["sign", "GET", "/v1/templates"]);
    expect(noCredential.code).toBe(1);
    expect(noCredential.stderr).toContain("pnpm start");
    for (const run of [noSecret, badPath, fullUrl, missingBody, emptySecret])
      expect(run.stderr).not.toContain("s3cret-value");
  });
});

describe("shellQuote", () => {
  it("gives a word that a POSIX shell reads back unchanged, whatever it contains", () => {
    // One sh process for a batch of words keeps the property test cheap.
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: "binary", minLength: 0, maxLength: 40 }).map((word) => word.replaceAll("\0", "")),
          { minLength: 1, maxLength: 8 },
        ),
        (words) => {
          const script = `for word in ${words.map(shellQuote).join(" ")}; do printf '%s\\0' "$word"; done`;
          const output = execFileSync("sh", ["-c", script], { encoding: "utf8" });
          expect(output.split("\0").slice(0, -1)).toEqual(words);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("leaves plain words bare and quotes the rest", () => {
    expect(shellQuote("/v1/run")).toBe("/v1/run");
    expect(shellQuote("X-Promptreg-Key: app")).toBe("'X-Promptreg-Key: app'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("")).toBe("''");
  });
});
