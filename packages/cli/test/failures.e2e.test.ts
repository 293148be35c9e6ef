import { mkdir, writeFile } from "node:fs/promises";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBin } from "../src/__fixtures__/run-bin.js";
import { makeTempDir, runCli } from "../src/__fixtures__/run-cli.js";
import { copyValidTree } from "../src/__fixtures__/trees.js";

// Every way a person can make the real binary fail ends in one line that says what is wrong and what to do (plus at
// most one line with the fix), never a stack trace. Paths are absolute: the binary runs from the repository root.
let temp: { dir: string; cleanup: () => Promise<void> };
let tree: string;
let closedUrl: string;

beforeAll(async () => {
  temp = await makeTempDir("promptreg-failures-");
  tree = path.join(temp.dir, "tree");
  await copyValidTree(tree);
  await writeFile(path.join(temp.dir, "file.txt"), "not a directory\n");
  await mkdir(path.join(temp.dir, "dir.json"));
  await writeFile(path.join(temp.dir, "bad.json"), '{\n  "name": tru\n}\n');
  // A port that was free a moment ago: nothing listens there, so connecting is refused.
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  closedUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await temp.cleanup();
});

const at = (...parts: string[]) => path.join(temp.dir, ...parts);
const credential = { PROMPTREG_KEY_ID: "failures-test", PROMPTREG_SECRET: "failures-test-secret-0123456789" };

const cases: {
  name: string;
  args: () => string[];
  stdin?: string;
  env?: () => Record<string, string>;
  code: number;
  says: RegExp;
  /** Also through the real binary (slow on a loaded box: a few seconds each); every case runs in-process. */
  bin?: true;
}[] = [
  { name: "unknown command", bin: true, args: () => ["publsh"], code: 2, says: /unknown command "publsh"/ },
  {
    name: "unknown flag",
    bin: true,
    args: () => ["validate", "--bogus"],
    code: 2,
    says: /unknown flag "--bogus"/,
  },
  { name: "missing argument", args: () => ["render"], code: 2, says: /missing <ref>/ },
  {
    name: "bad flag value",
    args: () => ["list", "--status", "old"],
    code: 2,
    says: /--status must be one of/,
  },
  { name: "flag without its value", args: () => ["render", "x", "--input"], code: 2, says: /--input/ },
  {
    name: "missing template dir",
    bin: true,
    args: () => ["validate", "--dir", at("nope")],
    code: 1,
    says: /does not exist/,
  },
  {
    name: "template dir is a file",
    args: () => ["list", "--dir", at("file.txt")],
    code: 1,
    says: /not a directory/,
  },
  {
    name: "missing config file",
    args: () => ["validate", "--dir", tree, "--config", at("missing.yaml")],
    code: 1,
    says: /missing\.yaml/,
  },
  {
    name: "input file missing",
    args: () => ["render", "greeting/hello@1.0.0", "--dir", tree, "--input", at("missing.json")],
    code: 1,
    says: /does not exist/,
  },
  {
    name: "input file unreadable (a directory)",
    bin: true,
    args: () => ["render", "greeting/hello@1.0.0", "--dir", tree, "--input", at("dir.json")],
    code: 1,
    says: /cannot read input file/,
  },
  {
    name: "bad input JSON in a file",
    args: () => ["render", "greeting/hello@1.0.0", "--dir", tree, "--input", at("bad.json")],
    code: 1,
    says: /bad\.json:2:11: input is not valid JSON/,
  },
  {
    name: "bad input JSON on stdin",
    bin: true,
    args: () => ["render", "greeting/hello@1.0.0", "--dir", tree, "--input", "-"],
    stdin: '{"name": "Ada"',
    code: 1,
    says: /<stdin>:1:15: input is not valid JSON/,
  },
  {
    name: "unknown example",
    args: () => ["render", "greeting/hello@1.0.0", "--dir", tree, "--example", "nobody"],
    code: 1,
    says: /no example named "nobody"/,
  },
  {
    name: "build output under a file",
    bin: true,
    args: () => ["build", "--dir", tree, "--out", at("file.txt", "out")],
    code: 1,
    says: /file\.txt/,
  },
  {
    name: "new under a file",
    args: () => ["new", "team/x", "--dir", at("file.txt")],
    code: 1,
    says: /not a directory/,
  },
  {
    name: "sign with a missing secret file",
    args: () => ["sign", "GET", "/v1/templates", "--key-id", "k", "--secret-file", at("missing-secret")],
    code: 1,
    says: /missing-secret/,
  },
  {
    name: "unreachable service",
    bin: true,
    args: () => ["call", "render", "greeting/hello@1.0.0", "--input", "-"],
    stdin: "{}",
    env: () => ({ ...credential, PROMPTREG_URL: closedUrl }),
    code: 1,
    says: /cannot reach the promptreg service .*connection refused/,
  },
  {
    name: "call with a bad service URL",
    args: () => ["call", "render", "greeting/hello@1.0.0", "--url", "not a url"],
    env: () => credential,
    code: 2,
    says: /not a url/,
  },
];

function expectOneLine(run: { code: number | null; stderr: string }, failure: (typeof cases)[number]): void {
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toContain("this is a bug");
  const lines = run.stderr.trimEnd().split("\n");
  expect(lines.length, run.stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(/^promptreg( [a-z]+)?: /);
  expect(run.stderr).toMatch(failure.says);
  expect(run.code).toBe(failure.code);
  expect(run.stderr).not.toContain(credential.PROMPTREG_SECRET);
}

describe("every CLI failure is one line with a fix, never a stack", () => {
  it.each(cases)("$name", { timeout: 60_000 }, async (failure) => {
    const run = await runCli(failure.args(), {
      cwd: temp.dir,
      ...(failure.stdin === undefined ? {} : { stdin: failure.stdin }),
      env: failure.env?.() ?? {},
    });
    expectOneLine(run, failure);
  });

  it.each(cases.filter((failure) => failure.bin))(
    "real binary: $name",
    { timeout: 60_000 },
    async (failure) => {
      const run = await runBin(failure.args(), {
        ...(failure.stdin === undefined ? {} : { stdin: failure.stdin }),
        ...(failure.env === undefined ? {} : { env: failure.env() }),
      });
      expectOneLine(run, failure);
    },
  );
});
