// Fast start and incremental reload of a 10,000-version registry (1,000 ids x 10 versions in a temp dir), each
// against the full YAML load of the same tree measured in the same run (the baseline: what the service did on every
// start and reload before):
//   - start from a bundle: read bundle.json + JSON.parse + loadRegistryFromBundle({ schemas: "lazy", verify:
//     "first-use" }) (each id's versions checked on its first use, schemas compiled on first render), with JSON.parse
//     alone as the floor, and the same with verify: "load" (every hash now: what a SIGHUP reload of a bundle does);
//   - incremental reload: one file edited (a different one each run), loadRegistry with the service's LoadCache, once
//     with the edited path passed as `changed` (what the service's watcher does) and once with a full stat pass.
// Run: node --import tsx --expose-gc bench/start-reload.bench.ts   (or pnpm bench -- start-reload)
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatRatio, markdownTable, summarize, writeBenchmarkSection } from "@promptreg/bench-kit";
import {
  createBundle,
  createFileSystemStore,
  createLoadCache,
  loadRegistry,
  loadRegistryFromBundle,
  type Registry,
} from "../src/index.js";
import { generateTree } from "./generate-tree.js";

const IDS = 1000;
const VERSIONS = 10;
const FULL_RUNS = Number(process.env.START_RELOAD_FULL_RUNS ?? 2);
const RUNS = 7;

/** How long the collector's own threads get to finish the forced collection before a timed run starts. */
const SETTLE_MS = 1_000;

/**
 * Times `fn` from a collected heap: a forced full GC, then SETTLE_MS for its concurrent sweeping to end. Without the
 * pause, a run that allocates (a reload) pays on the main thread for sweeping pages the forced GC left behind on a
 * 0.5-1 GB heap: 66 ms against 23 ms for the same reload, measured in process. The service never reloads right
 * after a full GC it forced, so that cost belongs to the bench, not to the reload.
 */
async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

const { root, dir, files } = await generateTree({ ids: IDS, versions: VERSIONS });
try {
  const store = createFileSystemStore(root);
  // Baseline: full loads without a cache (the first one also primes nothing: each gets a fresh cache).
  const full: number[] = [];
  let registry: Registry | undefined;
  for (let run = 0; run < FULL_RUNS; run++) {
    const { ms, value } = await time(() => loadRegistry({ store }));
    full.push(ms);
    registry = value;
  }
  const count = [...registry!.templates()].length;
  if (count !== IDS * VERSIONS) throw new Error(`benchmark tree loaded ${count} versions`);

  const bundleFile = path.join(dir, "bundle.json");
  await writeFile(bundleFile, JSON.stringify(createBundle(registry!)));
  const bundleBytes = (await readFile(bundleFile)).byteLength;
  const parseOnly: number[] = [];
  const fromBundle: number[] = [];
  const verifiedAtLoad: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    parseOnly.push((await time(async () => JSON.parse(await readFile(bundleFile, "utf8")))).ms);
    verifiedAtLoad.push(
      (
        await time(async () =>
          loadRegistryFromBundle(JSON.parse(await readFile(bundleFile, "utf8")), { schemas: "lazy" }),
        )
      ).ms,
    );
    const { ms, value } = await time(async () =>
      loadRegistryFromBundle(JSON.parse(await readFile(bundleFile, "utf8")), {
        schemas: "lazy",
        verify: "first-use",
      }),
    );
    fromBundle.push(ms);
    // Ready means servable: the first render of a version compiles its schemas (measured apart, not included).
    value.resolve("team-0/template-0@production").input.parse({ ticket: "t" });
  }

  const cache = createLoadCache();
  await loadRegistry({ store, cache });
  // The tree was written seconds ago, inside the racy window of that first scan: one more reload reads those files
  // again and from then on trusts their mtimes, as a long-running service would.
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  await loadRegistry({ store, cache });
  const incremental: number[] = [];
  const statPass: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const file = files[(run * 1_237) % files.length]!;
    const relative = path.relative(root, file);
    // One edit reloaded with its path known (what the service's watcher passes), one with a full stat pass (SIGHUP).
    for (const [samples, changed] of [
      [incremental, [relative]],
      [statPass, undefined],
    ] as const) {
      const description = `Edited in benchmark run ${run} (${changed ? "path known" : "stat pass"}).`;
      const text = await readFile(file, "utf8");
      await writeFile(file, text.replace(/^description: .*$/m, `description: ${description}`));
      const { ms, value } = await time(() => loadRegistry({ store, cache, ...(changed ? { changed } : {}) }));
      samples.push(ms);
      const [id, version] = [path.dirname(relative), path.basename(relative, ".yaml")];
      if (value.get(id, version)?.description !== description) throw new Error("the edit was not reloaded");
    }
  }

  const fullMs = summarize(full).median;
  const row = (label: string, samples: number[]) => {
    const stats = summarize(samples);
    return [
      label,
      stats.median.toFixed(0),
      `${Math.min(...samples).toFixed(0)} – ${Math.max(...samples).toFixed(0)}`,
      formatRatio(stats.median / fullMs),
    ];
  };
  const table = markdownTable(
    ["case (10,000 versions)", "median ms", "range ms", "vs full YAML load"],
    [
      row(`full YAML load, \`loadRegistry\` without cache (baseline, ${FULL_RUNS} runs)`, full),
      row("read bundle.json + `JSON.parse` (floor)", parseOnly),
      row(
        'start from the bundle: read + parse + `loadRegistryFromBundle({ schemas: "lazy", verify: "first-use" })`',
        fromBundle,
      ),
      row(
        'the same, every version checked now (`verify: "load"`, a SIGHUP reload of the bundle)',
        verifiedAtLoad,
      ),
      row(
        "incremental reload after one edited file, its path known (`LoadCache` + `changed`: the watcher)",
        incremental,
      ),
      row("incremental reload after one edited file, full stat pass (`LoadCache`: SIGHUP)", statPass),
    ],
  );
  const startVsFull = summarize(fromBundle).median / fullMs;
  const reloadVsFull = summarize(incremental).median / fullMs;
  const markdown = `A generated tree of ${IDS} ids x ${VERSIONS} versions (${files.length} template files like the load benchmark's, plus
${IDS} labels files and two partials); its bundle is ${(bundleBytes / 1024 / 1024).toFixed(1)} MiB. ${RUNS} timed runs per case
(the full load, the baseline, ${FULL_RUNS} times: it is what the service did on every start and reload before). Each
timed run starts from a collected heap: a forced full GC, then ${SETTLE_MS} ms for its concurrent sweeping to end (until
2026-11-28 there was no pause, and a reload paid for sweeping what the bench's own forced GC left behind).

${table}

Starting from the bundle checks its envelope, the partials, the labels and each template's id, version and status;
the rest of each version (shape, partials, content hash) is checked the first time its id is used and its schemas
compile (and its examples are re-validated) on its first render, which the table leaves out. Targets (issue 9 item 5): ready in
under 1 s from a bundle, one edited file reloaded in under 200 ms. Absolute times swing with the load other
engineers put on this shared 2-core box; the ratios compare runs of one process.
Reproduce: \`pnpm bench -- start-reload\`.`;
  console.log(markdown);
  writeBenchmarkSection({
    id: "registry-start-reload",
    title: "Registry: starting from a bundle and incremental reload (10,000 versions)",
    markdown,
    headlines: [
      { metric: "start from bundle ÷ full YAML load", values: [startVsFull] },
      { metric: "incremental reload ÷ full YAML load", values: [reloadVsFull] },
      {
        metric: "incremental reload with a full stat pass ÷ full YAML load",
        values: [summarize(statPass).median / fullMs],
      },
    ],
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
