import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useTempProject } from "./__fixtures__/temp-project.js";
import { defaultServiceUrl, resolveCallTarget } from "./call-credential.js";
import { CredentialError } from "./errors/credential-error.js";

const project = useTempProject();
const SECRET = "file-secret-0123456789abcdef";

async function repoWithCredential(content: string): Promise<string> {
  await writeFile(path.join(project.dir, "pnpm-workspace.yaml"), "packages: []\n");
  await mkdir(path.join(project.dir, ".promptreg"));
  await writeFile(path.join(project.dir, ".promptreg", "dev-client.json"), content);
  const nested = path.join(project.dir, "apps", "web");
  await mkdir(nested, { recursive: true });
  return nested;
}

const devFile = (baseUrl?: string) =>
  JSON.stringify({ keyId: "dev-local", secret: SECRET, ...(baseUrl ? { baseUrl } : {}) });

describe("resolveCallTarget", () => {
  it("finds the dev credential at the repository root from a subdirectory and uses its recorded URL", async () => {
    const cwd = await repoWithCredential(devFile("http://127.0.0.1:4123"));
    const target = await resolveCallTarget({ cwd, env: {}, url: undefined });
    expect(target).toMatchObject({ baseUrl: "http://127.0.0.1:4123", keyId: "dev-local", secret: SECRET });
    expect(target.source).toBe(path.join("..", "..", ".promptreg", "dev-client.json"));
  });

  it("--url wins over PROMPTREG_URL, which wins over the file, which wins over the default", async () => {
    const cwd = await repoWithCredential(devFile("http://file:1"));
    const env = { PROMPTREG_URL: "http://env:2" };
    expect((await resolveCallTarget({ cwd, env, url: "http://flag:3" })).baseUrl).toBe("http://flag:3");
    expect((await resolveCallTarget({ cwd, env, url: undefined })).baseUrl).toBe("http://env:2");
    await writeFile(path.join(project.dir, ".promptreg", "dev-client.json"), devFile());
    expect((await resolveCallTarget({ cwd, env: {}, url: undefined })).baseUrl).toBe(defaultServiceUrl);
  });

  it("PROMPTREG_KEY_ID + PROMPTREG_SECRET override the file; empty values count as unset", async () => {
    const cwd = await repoWithCredential(devFile());
    const env = { PROMPTREG_KEY_ID: "ci-app", PROMPTREG_SECRET: "env-secret" };
    expect(await resolveCallTarget({ cwd, env, url: undefined })).toMatchObject({
      keyId: "ci-app",
      secret: "env-secret",
      source: "PROMPTREG_KEY_ID/PROMPTREG_SECRET",
    });
    const blank = { PROMPTREG_KEY_ID: "", PROMPTREG_SECRET: "" };
    expect((await resolveCallTarget({ cwd, env: blank, url: undefined })).keyId).toBe("dev-local");
  });

  it("only one of the two variables is a CredentialError naming the missing one", async () => {
    const error = await resolveCallTarget({
      cwd: project.dir,
      env: { PROMPTREG_KEY_ID: "ci-app" },
      url: undefined,
    }).catch((caught: unknown) => caught);
    expect(CredentialError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ problem: "partial_env", code: "credential_partial_env" });
    expect((error as Error).message).toMatch(/^PROMPTREG_SECRET is not set/);
  });

  it("a damaged credential file says how to recreate it and never shows its content", async () => {
    const cwd = await repoWithCredential(`{"keyId": "dev-local", "secret": "${SECRET}"`);
    const error = await resolveCallTarget({ cwd, env: {}, url: undefined }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ problem: "invalid" });
    expect((error as Error).message).toContain("restart the service with `pnpm start`");
    expect((error as Error).message).not.toContain(SECRET.slice(0, 10));
  });

  it("PROMPTREG_DEV_CLIENT_FILE moves the file, relative to the repository root", async () => {
    const cwd = await repoWithCredential("not used");
    await writeFile(path.join(project.dir, "other.json"), devFile("http://other:5"));
    const target = await resolveCallTarget({
      cwd,
      env: { PROMPTREG_DEV_CLIENT_FILE: "other.json" },
      url: undefined,
    });
    expect(target.baseUrl).toBe("http://other:5");
  });
});
