import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

const SCRIPT = new URL("./__fixtures__/fake-secret-command.mjs", import.meta.url).pathname;

/** A real child process standing in for a secret manager's CLI, steered through files in a temp folder. */
export interface FakeSecretCommand {
  /** `[node, script, dir]`: run without a shell. */
  argv: string[];
  /** The temp folder; it appears in argv, so tests check it never shows in errors either. */
  dir: string;
  setMode(mode: string): Promise<void>;
  calls(): Promise<number>;
  remove(): Promise<void>;
}

export async function createFakeSecretCommand(mode: string): Promise<FakeSecretCommand> {
  const dir = await mkdtemp(path.join(tmpdir(), "fake-secret-"));
  const fake: FakeSecretCommand = {
    argv: [process.execPath, SCRIPT, dir],
    dir,
    setMode: (next) => writeFile(path.join(dir, "mode"), next),
    calls: async () => (await readFile(path.join(dir, "calls"), "utf8").catch(() => "")).length,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  await fake.setMode(mode);
  return fake;
}
