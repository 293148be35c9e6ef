import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseSecretCommand, runSecretCommand } from "@promptreg/gateway";
import { createMockGatewayHandler } from "@promptreg/mock-gateway";
import { signRequest } from "@promptreg/signing";
import {
  createFakeSecretCommand,
  type FakeSecretCommand,
  type ServerProcess,
  startServerExpectingExit,
  startServerProcess,
} from "@promptreg/test-kit";
import { afterEach, describe, expect, it } from "vitest";

/**
 * GATEWAY_API_KEY_COMMAND and PROMPTREG_CLIENT_KEYS_COMMAND in a real service process, with stand-ins for the
 * secret managers' CLIs, and the recipes of docs/operations.md "Secrets" run against stand-ins of their tools.
 */
const OPERATIONS = new URL("../../../docs/operations.md", import.meta.url);
const GATEWAY_KEY = "sk-live-cmd-3e8d1c0b9a8f7e6dSECRETPART5c4b3a2918";
const REVOKED_KEY = "sk-live-revoked-00000000SECRETPART000000000000";
const CLIENT_SECRET = "client-secret-from-vault-0123456789abcdef";
const RUN = { ref: "localization/translate", input: { text: "Hello", target_locale: "fr-FR", glossary: [] } };
const IO = { timeout: 120_000 };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeCommand(mode: string): Promise<FakeSecretCommand> {
  const fake = await createFakeSecretCommand(mode);
  cleanups.push(() => fake.remove());
  return fake;
}

async function mockGateway(): Promise<string> {
  const server: Server = createServer(createMockGatewayHandler({ apiKey: GATEWAY_KEY }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

describe("secret commands in the service process", () => {
  it(
    "reads the client credentials and the gateway key from commands, refreshes the key once on a 401, and shows neither anywhere",
    IO,
    async () => {
      const gatewayKey = await fakeCommand(`ok:${REVOKED_KEY}`);
      const clients = await fakeCommand(
        `ok:${JSON.stringify({ clients: [{ keyId: "vaulted", secrets: [CLIENT_SECRET] }] })}`,
      );
      const server: ServerProcess = await startServerProcess({
        env: {
          PROMPTREG_WATCH: "off",
          GATEWAY_BASE_URL: await mockGateway(),
          GATEWAY_API_KEY_COMMAND: JSON.stringify(gatewayKey.argv),
          PROMPTREG_CLIENT_KEYS_COMMAND: JSON.stringify(clients.argv),
        },
      });
      cleanups.push(() => server.kill());
      expect(await gatewayKey.calls()).toBe(1); // read at start, so a broken command fails the start
      await gatewayKey.setMode(`ok:${GATEWAY_KEY}`); // rotated in the secret manager

      const responses: string[] = [];
      for (let i = 0; i < 2; i++) {
        const body = JSON.stringify(RUN);
        const headers = signRequest({
          keyId: "vaulted",
          secret: CLIENT_SECRET,
          method: "POST",
          pathAndQuery: "/v1/run",
          body,
        });
        const response = await fetch(`${server.url}/v1/run`, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body,
        });
        const text = await response.text();
        responses.push(text);
        expect(response.status, text).toBe(200);
      }
      expect(JSON.parse(responses[0] as string).metadata.attempts).toBe(2); // 401, then the fresh key
      expect(JSON.parse(responses[1] as string).metadata.attempts).toBe(1);
      expect(await gatewayKey.calls()).toBe(2);
      expect(await clients.calls()).toBe(1);
      responses.push(await (await fetch(`${server.url}/metrics`)).text());

      const everything = [server.stdout(), server.stderr(), ...responses].join("\n");
      for (const secret of [GATEWAY_KEY, REVOKED_KEY, CLIENT_SECRET, gatewayKey.dir, clients.dir])
        expect(everything).not.toContain(secret);
    },
  );

  it("refuses to start when the key command fails, naming the program and exit code only", IO, async () => {
    const gatewayKey = await fakeCommand("exit:3");
    const { code, stderr: message } = await startServerExpectingExit({
      env: { PROMPTREG_WATCH: "off", GATEWAY_API_KEY_COMMAND: JSON.stringify(gatewayKey.argv) },
    });
    expect(code).toBe(1);
    expect(message).toContain(
      `The secret command "${process.execPath}" (GATEWAY_API_KEY_COMMAND) exited with code 3`,
    );
    expect(message).not.toContain(gatewayKey.dir);
    expect(message).not.toContain("sk-stderr-leak");
    expect(message).not.toContain("could not read");
  });
});

/** `| manager | \`command\` | identity |` rows of the "### Recipes" table, commands unescaped. */
async function recipes(): Promise<{ manager: string; command: string }[]> {
  const doc = await readFile(OPERATIONS, "utf8");
  const section = doc.slice(doc.indexOf("### Recipes"), doc.indexOf("## Deployment"));
  const rows = [...section.matchAll(/^\| ([^|]+) \| `((?:[^`\\]|\\.)+)` \|/gm)];
  return rows
    .map((row) => ({
      manager: (row[1] as string).trim(),
      command: (row[2] as string).replaceAll("\\|", "|"),
    }))
    .filter((row) => row.manager !== "secret manager");
}

describe("docs/operations.md secret recipes", () => {
  it("cover 1Password, Doppler, AWS Secrets Manager, HashiCorp Vault and Kubernetes", async () => {
    expect((await recipes()).map((r) => r.manager)).toEqual([
      "1Password",
      "Doppler",
      "AWS Secrets Manager",
      "HashiCorp Vault",
      "Kubernetes secret (CLI)",
    ]);
  });

  it("each runs without a shell and hands its tool exactly the documented arguments", IO, async () => {
    const bin = await mkdtemp(path.join(tmpdir(), "fake-cli-"));
    cleanups.push(() => rm(bin, { recursive: true, force: true }));
    for (const { manager, command } of await recipes()) {
      const parsed = parseSecretCommand(command);
      if (!parsed.ok) throw new Error(`${manager}: ${parsed.problem}`);
      const [tool, ...args] = parsed.argv as [string, ...string[]];
      // A stand-in for the CLI: records the arguments it got and prints a key.
      const fake = path.join(bin, tool);
      const record = path.join(bin, `${tool}.args.json`);
      await writeFile(
        fake,
        `#!${process.execPath}\nrequire("node:fs").writeFileSync(${JSON.stringify(record)}, JSON.stringify(process.argv.slice(2)));\nprocess.stdout.write("sk-from-${tool}\\n");\n`,
      );
      await chmod(fake, 0o755);
      expect(
        await runSecretCommand({ argv: [fake, ...args], source: "GATEWAY_API_KEY_COMMAND" }),
        manager,
      ).toBe(`sk-from-${tool}`);
      expect(JSON.parse(await readFile(record, "utf8")), manager).toEqual(args);
    }
    const doc = await readFile(OPERATIONS, "utf8");
    const clientRecipes = [...doc.matchAll(/`PROMPTREG_CLIENT_KEYS_COMMAND=([^`]+)`/g)].map(
      (m) => m[1] as string,
    );
    expect(clientRecipes.length).toBeGreaterThanOrEqual(2);
    for (const command of clientRecipes) expect(parseSecretCommand(command).ok, command).toBe(true);
  });
});
