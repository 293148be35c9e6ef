import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const run = promisify(execFile);
const PROMETHEUS_DIR = new URL("../../../deploy/prometheus/", import.meta.url).pathname;
const OPERATIONS_DOC = new URL("../../../docs/operations.md", import.meta.url);

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}
interface RuleTestFile {
  rule_files: string[];
  tests: { name?: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

let testFiles: string[];
let alerts: string[];

/** promtool comes with Debian's `prometheus` package; `.ci/system-deps` installs it when it is missing. */
async function promtool(args: string[]) {
  try {
    return await run("promtool", args, { cwd: PROMETHEUS_DIR, timeout: 120_000, maxBuffer: 8 * 1024 * 1024 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failure.code === "ENOENT") {
      throw new Error(
        "promtool is not on PATH. Run .ci/system-deps as root (it installs Debian's prometheus package), or `apt-get install prometheus`.",
      );
    }
    throw new Error(`promtool ${args.join(" ")} failed:\n${failure.stdout ?? ""}${failure.stderr ?? ""}`);
  }
}

beforeAll(async () => {
  testFiles = (await readdir(PROMETHEUS_DIR)).filter((name) => name.endsWith(".test.yml")).sort();
  const rules = parse(await readFile(`${PROMETHEUS_DIR}alerts.yml`, "utf8")) as RuleFile;
  alerts = rules.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])));
});

describe("deploy/prometheus alert rules under promtool", () => {
  it("alerts.yml passes promtool check rules", async () => {
    const { stdout } = await promtool(["check", "rules", "alerts.yml"]);
    expect(stdout).toContain(`SUCCESS: ${alerts.length} rules found`);
  });

  it("every unit test file passes promtool test rules", { timeout: 180_000 }, async () => {
    expect(testFiles).toEqual(["alerts-day-over-day.test.yml", "alerts.test.yml"]);
    const { stdout } = await promtool(["test", "rules", ...testFiles]);
    expect(stdout.match(/SUCCESS/g)?.length).toBe(testFiles.length);
  });

  it("every alert has a test where it fires and one where it stays silent", async () => {
    const firing = new Set<string>();
    const silent = new Set<string>();
    for (const file of testFiles) {
      const doc = parse(await readFile(`${PROMETHEUS_DIR}${file}`, "utf8")) as RuleTestFile;
      expect(doc.rule_files).toEqual(["alerts.yml"]);
      for (const test of doc.tests) {
        for (const check of test.alert_rule_test ?? []) {
          expect(alerts, `${file}: "${test.name}" tests an unknown alert`).toContain(check.alertname);
          ((check.exp_alerts?.length ?? 0) > 0 ? firing : silent).add(check.alertname);
        }
      }
    }
    expect(
      alerts.filter((alert) => !firing.has(alert)),
      "alerts never tested firing",
    ).toEqual([]);
    expect(
      alerts.filter((alert) => !silent.has(alert)),
      "alerts never tested silent",
    ).toEqual([]);
  });

  it("docs/operations.md describes every alert in its Alerts table", async () => {
    const doc = await readFile(OPERATIONS_DOC, "utf8");
    const section = doc.slice(
      doc.indexOf("\n## Alerts"),
      doc.indexOf("\n## ", doc.indexOf("\n## Alerts") + 1),
    );
    const documented = [...section.matchAll(/^\| `(Promptreg\w+)` \|/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual([...alerts].sort());
  });
});
