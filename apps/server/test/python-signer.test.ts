import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess, type ServerProcess, startServerProcess } from "@promptreg/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TEMPLATES } from "./harness.js";

// The Python reference signer (examples/python/promptreg_sign.py, standard library only) against the spec's vectors
// and against the real service process. python3 is required: without it this suite fails, it does not skip.
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const EXAMPLE_DIR = path.join(REPO, "examples/python");
const SCRIPT = path.join(EXAMPLE_DIR, "promptreg_sign.py");
const KEY_ID = "python-app";
const SECRET = "python-app-secret-0123456789abcdef";
const RENDER_BODY = JSON.stringify({
  ref: "support/summarize@1.0.0",
  input: { ticket: "Printer is on fire." },
});

let server: ServerProcess;

function python(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  return runProcess("python3", args, {
    cwd: EXAMPLE_DIR,
    env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: "1", ...options.env },
    stdin: options.stdin ?? "",
  });
}

beforeAll(async () => {
  const probe = spawnSync("python3", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `python3 is required to test the Python reference signer (examples/python/promptreg_sign.py) and was not found on PATH: ${probe.error?.message ?? probe.stderr}. Install Python 3.`,
    );
  }
  server = await startServerProcess({
    env: {
      LOG_LEVEL: "warn",
      PROMPTREG_TEMPLATES_DIR: FIXTURE_TEMPLATES,
      PROMPTREG_WATCH: "false",
      PROMPTREG_CLIENT_KEYS: `${KEY_ID}:${SECRET}`,
    },
  });
}, 60_000);

afterAll(async () => {
  await server?.kill();
});

describe("the Python reference signer", () => {
  it("computes the string to sign and the signature of every vector in docs/security.md", async () => {
    const spec = await readFile(path.join(REPO, "docs/security.md"), "utf8");
    const vectors = JSON.parse(/```json signing-vectors\n([\s\S]*?)\n```/.exec(spec)?.[1] ?? "[]") as Record<
      string,
      string | number
    >[];
    expect(vectors.length).toBeGreaterThanOrEqual(4);
    // The code docs/security.md shows is the file's code, character for character.
    const shown = /```python promptreg_sign\n([\s\S]*?)\n```/.exec(spec)?.[1];
    expect(shown).toBeDefined();
    expect(await readFile(SCRIPT, "utf8")).toContain(shown);
    const program = `
import base64, json, sys
from promptreg_sign import sign, string_to_sign
out = []
for v in json.load(sys.stdin):
    body = base64.b64decode(v["bodyBase64"]) if "bodyBase64" in v else v["body"].encode("utf-8")
    out.append({
        "stringToSign": string_to_sign(v["method"], v["pathAndQuery"], v["timestamp"], v["nonce"], body),
        "headers": sign(v["keyId"], v["secret"], v["method"], v["pathAndQuery"], body, v["timestamp"], v["nonce"]),
    })
print(json.dumps(out))
`;
    const run = await python(["-c", program], { stdin: JSON.stringify(vectors) });
    expect(run.stderr).toBe("");
    const results = JSON.parse(run.stdout) as { stringToSign: string; headers: Record<string, string> }[];
    results.forEach((result, index) => {
      const vector = vectors[index]!;
      expect(result.stringToSign, String(vector.name)).toBe(vector.stringToSign);
      expect(result.headers).toEqual({
        "X-Promptreg-Key": vector.keyId,
        "X-Promptreg-Timestamp": String(vector.timestamp),
        "X-Promptreg-Nonce": vector.nonce,
        "X-Promptreg-Signature": vector.signature,
      });
    });
  });

  it("as a command, a signed render succeeds against the real service", async () => {
    const run = await python([SCRIPT, "POST", "/v1/render", "--body", "-", "--url", server.url], {
      stdin: RENDER_BODY,
      env: { PROMPTREG_KEY_ID: KEY_ID, PROMPTREG_SECRET: SECRET },
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as { ref: { id: string }; messages: { content: string }[] };
    expect(body.ref.id).toBe("support/summarize");
    expect(body.messages.at(-1)?.content).toContain("Printer is on fire.");
    const list = await python([SCRIPT, "GET", "/v1/templates?prefix=support", "--url", server.url], {
      env: { PROMPTREG_KEY_ID: KEY_ID, PROMPTREG_SECRET: SECRET },
    });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).data.map((t: { id: string }) => t.id)).toContain("support/summarize");
  });

  it("a body changed after signing is refused (signature_mismatch); so is a wrong secret, which is in no output", async () => {
    const tamper = `
import sys, urllib.request, urllib.error
from promptreg_sign import sign
url, signed, sent = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
headers = sign("${KEY_ID}", "${SECRET}", "POST", "/v1/render", signed)
headers["content-type"] = "application/json"
try:
    urllib.request.urlopen(urllib.request.Request(url + "/v1/render", data=sent, headers=headers, method="POST"))
    print("accepted")
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode())
`;
    const tampered = RENDER_BODY.replace("Printer is on fire.", "Printer is fine.");
    const run = await python(["-c", tamper, server.url, RENDER_BODY, tampered]);
    expect(run.stderr).toBe("");
    const [status, ...rest] = run.stdout.trim().split(" ");
    expect(status).toBe("401");
    expect(JSON.parse(rest.join(" ")).error.code).toBe("signature_mismatch");

    const wrongSecret = "not-the-python-secret-0123456789";
    const refused = await python([SCRIPT, "POST", "/v1/render", "--body", "-", "--url", server.url], {
      stdin: RENDER_BODY,
      env: { PROMPTREG_KEY_ID: KEY_ID, PROMPTREG_SECRET: wrongSecret },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^promptreg_sign: HTTP 401 signature_mismatch: /);
    expect(refused.stdout + refused.stderr).not.toContain(wrongSecret);
  });

  it("as a command, refuses to run without a credential in the environment", async () => {
    const run = await python([SCRIPT, "GET", "/v1/templates", "--url", server.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("set PROMPTREG_KEY_ID and PROMPTREG_SECRET");
  });
});
