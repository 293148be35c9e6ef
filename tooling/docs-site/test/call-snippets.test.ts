// The "how to call it" curl snippet of every template page, run exactly as generated, in bash, against the real
// service started like `pnpm start`: proves the reference, the example input, the endpoint and the
// `promptreg sign` line are right for each template.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callSnippets, loadSiteData, type SiteData } from "../src/index.js";
import { REPO_ROOT, type ServiceProcess, startService } from "./service-process.js";

const run = promisify(execFile);
let service: ServiceProcess;
let site: SiteData;

beforeAll(async () => {
  [service, site] = await Promise.all([
    startService(),
    loadSiteData({ templatesDir: path.join(REPO_ROOT, "templates") }),
  ]);
}, 90_000);

afterAll(async () => {
  await service?.stop();
}, 30_000);

describe("the curl snippet on each template page", () => {
  // Two templates cover both reference kinds (a production label, an exact version); every CLI start costs seconds
  // on a busy 2-core box, so not all eight.
  it.each(["support/summarize-ticket", "data/sql-from-question"])(
    "%s: runs on the real service and returns the validated output",
    async (id) => {
      const template = site.templates.find((entry) => entry.id === id)!;
      {
        const snippets = callSnippets(template);
        const { stdout } = await run("bash", ["-c", snippets.curl], {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            PROMPTREG_URL: service.url,
            PROMPTREG_DEV_CLIENT_FILE: service.devClientFile,
          },
          timeout: 60_000,
        });
        const answer = JSON.parse(stdout);
        expect(answer.ref.id, template.id).toBe(template.id);
        expect(`${template.id}@${answer.ref.version}`).toBe(
          template.labels.production ? `${template.id}@${template.labels.production}` : snippets.reference,
        );
        expect(answer.output, template.id).toBeDefined();
        expect(stdout).not.toContain(service.devClient.secret);
      }
    },
    120_000,
  );
});
