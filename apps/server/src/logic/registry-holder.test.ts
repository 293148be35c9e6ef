import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRegistryHolder, type ReloadOutcome } from "./registry-holder.js";

const FIXTURES = new URL("../../test/__fixtures__/templates/", import.meta.url).pathname;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-reload-"));
  await cp(FIXTURES, dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function holderFor(outcomes: ReloadOutcome[] = []) {
  return createRegistryHolder({
    load: () => loadRegistryFromDir(dir),
    createRenderer: (registry) => createRenderer({ registry }),
    onReload: (outcome) => outcomes.push(outcome),
  });
}

describe("registry holder", () => {
  it("is empty until the first load, then serves it", async () => {
    const holder = holderFor();
    expect(holder.current()).toBeUndefined();
    const outcome = await holder.reload();
    expect(outcome.ok).toBe(true);
    expect(holder.current()?.registry.ids()).toContain("support/greet");
    expect(holder.current()?.versionCount).toBe(4);
  });

  it("swaps in a valid edit atomically (registry and renderer together)", async () => {
    const holder = holderFor();
    await holder.reload();
    const before = holder.current();
    const file = path.join(dir, "support/greet/1.0.0.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("Say hello to", "Wave at"));
    await holder.reload();
    const after = holder.current();
    expect(after).not.toBe(before);
    expect(after?.renderer.render("support/greet", { name: "Ada" }).messages[0]?.content).toBe(
      "Wave at Ada.",
    );
    expect(before?.renderer.render("support/greet", { name: "Ada" }).messages[0]?.content).toBe(
      "Say hello to Ada.",
    );
  });

  it("keeps the last good registry serving when an edit breaks the tree", async () => {
    const outcomes: ReloadOutcome[] = [];
    const holder = holderFor(outcomes);
    await holder.reload();
    const good = holder.current();
    await writeFile(path.join(dir, "support/greet/1.0.0.yaml"), "id: support/greet\nversion: [broken\n");
    const outcome = await holder.reload();
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.serving).toBe(good);
    expect(holder.current()).toBe(good);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
  });

  it("shares one load between concurrent reloads and loads again for a change during it", async () => {
    let loads = 0;
    const holder = createRegistryHolder({
      load: async () => {
        loads++;
        return loadRegistryFromDir(dir);
      },
      createRenderer: (registry) => createRenderer({ registry }),
    });
    await Promise.all([holder.reload(), holder.reload(), holder.reload()]);
    expect(loads).toBe(2);
  });
});
