import { cp, mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BundleError, createBundle, loadRegistryFromDir } from "@promptreg/registry";
import { thrownBy } from "@promptreg/test-kit";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/http/logger.js";
import { createServerMetrics } from "../src/http/metrics.js";
import { createServiceRegistry } from "../src/service.js";
import { startTestServer } from "./harness.js";

const templatesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../templates");
const EDITED = "support/triage-ticket/1.0.0.yaml";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

function serviceRegistry(env: Record<string, string>) {
  const config = loadConfig({
    env: { NODE_ENV: "test", LOG_LEVEL: "silent", PROMPTREG_WATCH: "false", ...env },
  });
  return createServiceRegistry({
    config,
    logger: createLogger({ level: "silent" }),
    metrics: createServerMetrics(),
  });
}

function description(registry: ReturnType<typeof serviceRegistry>): string | undefined {
  return registry.current()?.registry.get("support/triage-ticket", "1.0.0")?.description;
}

describe("the service registry over a template tree", () => {
  it("reloadChanged looks at the reported paths only; reload (SIGHUP) looks at everything", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "promptreg-service-registry-"));
    await cp(templatesDir, dir, { recursive: true });
    const registry = serviceRegistry({ PROMPTREG_TEMPLATES_DIR: dir });
    expect((await registry.reload()).ok).toBe(true);
    const file = path.join(dir, EDITED);
    const original = await readFile(file, "utf8");
    // Each edit changes the size and dates the file an hour back: a file modified within 2 s of the scan that read
    // it is re-read whatever the watcher says (racily clean), which would hide what this test looks for.
    const anHourAgo = new Date(Date.now() - 3_600_000);
    const edit = async (text: string) => {
      await writeFile(file, original.replace(/^description: .*$/m, `description: ${text}`));
      await utimes(file, anHourAgo, anHourAgo);
    };

    await edit("Seen through the watcher.");
    expect((await registry.reloadChanged([EDITED])).ok).toBe(true);
    expect(description(registry)).toBe("Seen through the watcher.");

    // A change nobody reported is not looked at by a watcher's reload, and is by a full one.
    await edit("Edited behind the watcher's back.");
    expect((await registry.reloadChanged(["support/summarize-ticket/labels.yaml"])).ok).toBe(true);
    expect(description(registry)).toBe("Seen through the watcher.");
    expect((await registry.reload()).ok).toBe(true);
    expect(description(registry)).toBe("Edited behind the watcher's back.");
  });
});

describe("the service registry over a bundle (PROMPTREG_BUNDLE)", () => {
  async function writeBundle(tamper: boolean) {
    const bundle = JSON.parse(JSON.stringify(createBundle(await loadRegistryFromDir(templatesDir))));
    if (tamper) {
      const index = bundle.templates.findIndex((t: { id: string }) => t.id === "support/triage-ticket");
      bundle.templates[index].description = "Changed by hand.";
    }
    const file = path.join(dir!, "bundle.json");
    await writeFile(file, JSON.stringify(bundle));
    return file;
  }

  it("starts ready with a modified version failing only its id; a reload refuses a modified bundle", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "promptreg-service-bundle-"));
    const file = await writeBundle(true);
    const registry = serviceRegistry({ PROMPTREG_BUNDLE: file });
    const first = await registry.reload();
    expect(first.ok).toBe(true);
    const serving = registry.current()!.registry;
    expect(serving.resolve("support/summarize-ticket").id).toBe("support/summarize-ticket");
    expect(thrownBy(() => serving.resolve("support/triage-ticket"), BundleError).code).toBe(
      "bundle_hash_mismatch",
    );

    // Over HTTP: the modified id is a typed 500 that blames the deployment, not the caller and not a generic
    // internal_error; the bundle's details stay in the log.
    const server = await startTestServer({ registry });
    try {
      const broken = await server.signed("/v1/render", {
        body: { ref: "support/triage-ticket", input: { subject: "s", body: "b" } },
      });
      expect(broken.status).toBe(500);
      const { error } = (await broken.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("template_broken");
      expect(error.message).toMatch(/served bundle failed its integrity check/);
      expect(JSON.stringify(error)).not.toMatch(/hash|templates\[/);
      expect((await server.signed("/v1/templates/support/summarize-ticket")).status).toBe(200);
    } finally {
      await server.close();
    }

    await writeBundle(false);
    expect((await registry.reload()).ok).toBe(true);
    const good = registry.current()!.registry;
    expect(good.resolve("support/triage-ticket").id).toBe("support/triage-ticket");

    await writeBundle(true);
    const refused = await registry.reload();
    expect(refused.ok).toBe(false);
    expect(
      thrownBy(() => {
        if (!refused.ok) throw refused.error;
      }, BundleError).code,
    ).toBe("bundle_hash_mismatch");
    expect(registry.current()!.registry).toBe(good);
  });
});
