import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBundle } from "./bundle.js";
import { loadRegistryFromBundleFile } from "./bundle-file.js";
import { BundleError } from "./errors/bundle-error.js";
import { loadRegistryFromDir } from "./load.js";

const basic = path.join(path.dirname(fileURLToPath(import.meta.url)), "__fixtures__", "basic");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "promptreg-bundle-file-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function bundleError(file: string): Promise<BundleError> {
  const error = await loadRegistryFromBundleFile(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(BundleError.isInstance(error), String(error)).toBe(true);
  return error as BundleError;
}

describe("loadRegistryFromBundleFile", () => {
  it("loads what promptreg build writes", async () => {
    const registry = await loadRegistryFromDir(basic);
    const file = path.join(dir, "bundle.json");
    await writeFile(file, JSON.stringify(createBundle(registry)));
    const loaded = await loadRegistryFromBundleFile(file, { schemas: "lazy" });
    expect([...loaded.templates()].map((t) => t.hash)).toEqual([...registry.templates()].map((t) => t.hash));
  });

  it("names a missing file and text that is not JSON with typed codes", async () => {
    const missing = await bundleError(path.join(dir, "nope.json"));
    expect(missing.code).toBe("bundle_unreadable");
    expect(missing.message).toContain("ENOENT");
    const file = path.join(dir, "broken.json");
    await writeFile(file, '{"format": "promptreg-bundle@1", ');
    const broken = await bundleError(file);
    expect(broken.code).toBe("bundle_invalid");
    expect(broken.message).toContain(`${file} is not JSON`);
  });
});
