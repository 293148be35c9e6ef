import { closestMatches, escapeControl, quote } from "@promptreg/core";
import { RegistryLoadError } from "./errors/registry-load-error.js";
import { StoreError } from "./errors/store-error.js";
import { createFileSystemStore } from "./file-system-store.js";
import { checkTemplateId, isLabelName, isStrictSemver } from "./ids.js";
import { LIMITS } from "./limits.js";
import { type LoadCache, pruneCache, rememberText, reusableBuild, trustedText } from "./load-cache.js";
import { findPartialCycles, findPartialReferences } from "./partials.js";
import { PROBLEM_CODES, type ProblemCode } from "./problem-codes.js";
import { type LazyMessage, ProblemList } from "./problem-list.js";
import { createRegistry } from "./registry.js";
import type { StoredFile, TemplateStore } from "./store.js";
import { buildTemplateVersion, type PartialIndex } from "./template-version.js";
import type { Problem, Registry, TemplateId, TemplateVersion } from "./types.js";
import { findLoneSurrogate } from "./utf8.js";
import { parseYamlSource } from "./yaml-source.js";

const READ_CONCURRENCY = 32;

export interface CheckResult {
  /** Present when there is no error-severity problem. */
  registry?: Registry;
  /** Every finding, errors and warnings, sorted by file then position. */
  problems: Problem[];
}

function problemAt(
  file: string,
  code: ProblemCode,
  message: string,
  severity: Problem["severity"] = "error",
): Problem {
  return { file, line: 1, column: 1, code, message, severity };
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function describeReadError(file: string, error: unknown): Problem {
  if (StoreError.isInstance(error) && error.code === "invalid_utf8") {
    return {
      file,
      ...(error.position ?? { line: 1, column: 1 }),
      code: PROBLEM_CODES.INVALID_UTF8,
      message: `${error.message}.`,
      severity: "error",
    };
  }
  if (StoreError.isInstance(error)) {
    // A file that vanished between list and read, or a broken store, is one kind of problem for the tree.
    const code: ProblemCode =
      error.code === "file_too_large" || error.code === "unsafe_path"
        ? error.code
        : PROBLEM_CODES.STORE_READ_FAILED;
    const fix =
      error.code === "file_too_large"
        ? ` Split it up or move shared text into a partial (limit ${LIMITS.maxFileBytes} bytes).`
        : "";
    return problemAt(file, code, `${error.message}.${fix}`);
  }
  return problemAt(
    file,
    PROBLEM_CODES.STORE_READ_FAILED,
    `Could not read the file: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/**
 * A file that is meant to be a version or labels file but is not named exactly `*.yaml` (`1.1.0.YAML`, `1.1.0.yml`,
 * `1.1.0.json`, `labels.yml`): the loader would ignore it, and the version would silently disappear.
 */
function misnamedYaml(path: string): { name: string; to: string; what: string } | undefined {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const stem = name.slice(0, dot);
  const extension = name.slice(dot + 1);
  if (isStrictSemver(stem)) return { name, to: `${stem}.yaml`, what: `version ${stem}` };
  if (/^ya?ml$/i.test(extension)) {
    const lower = stem.toLowerCase() === "labels" ? "labels" : stem;
    return { name, to: `${lower}.yaml`, what: lower === "labels" ? "a labels file" : "a YAML file" };
  }
  return undefined;
}

/** Splits `<id>/<version>.yaml` or `<id>/labels.yaml` into its id and file name, reporting bad ids. */
function templatePath(file: StoredFile, problems: Problem[]): { id: string; name: string } | undefined {
  const slash = file.path.lastIndexOf("/");
  const id = file.path.slice(0, slash);
  const name = file.path.slice(slash + 1);
  const idProblem = checkTemplateId(id);
  if (idProblem) {
    problems.push(
      problemAt(
        file.path,
        PROBLEM_CODES.INVALID_ID,
        `The directory path ${quote(id)} is not a valid template id: ${escapeControl(idProblem.reason)} (at character ${idProblem.position + 1}).`,
      ),
    );
    return undefined;
  }
  return { id, name };
}

/**
 * Loads every template, label and partial from `store` and reports every problem (never only the first).
 * Never throws for content problems; only for a store that cannot list at all.
 */
export async function checkRegistry({
  store,
  cache,
  changed,
}: {
  store: TemplateStore;
  /**
   * Reuse what an earlier check of the same store read and built (incremental reload): pass the same
   * `createLoadCache()` to every load. The result is the same as without it.
   */
  cache?: LoadCache;
  /**
   * With `cache`: the paths (relative to the store root, files or directories) that changed since the last check
   * with this cache, as a file watcher reports them. Only they are looked at (`TemplateStore.listChanged`); the
   * rest of the listing is the last one. Without it, or when the store cannot list incrementally, everything is
   * listed and stat-ed.
   */
  changed?: readonly string[];
}): Promise<CheckResult> {
  const problems: Problem[] = [];
  const scanStart = cache?.now() ?? 0;
  const previous = cache?.listing;
  // Forgotten until this listing succeeds: a failed one must not leave a listing the next changes are applied to.
  if (cache) cache.listing = undefined;
  const files =
    (changed && previous && (await store.listChanged?.(previous, changed))) || (await store.list());
  if (cache) {
    cache.listing = files;
    pruneCache(cache, new Set(files.map((file) => file.path)));
  }
  if (files.length > LIMITS.maxFiles) {
    problems.push(
      problemAt(
        ".",
        PROBLEM_CODES.TOO_MANY_FILES,
        `The template tree has more than ${LIMITS.maxFiles} files; nothing was loaded. Remove unrelated files or split the tree.`,
      ),
    );
    return { problems };
  }

  const templates: { file: StoredFile; id: string; version: string }[] = [];
  const labelFiles: { file: StoredFile; id: string }[] = [];
  const partialFiles: { file: StoredFile; name: string }[] = [];
  for (const file of files) {
    switch (file.kind) {
      case "ignored":
        break;
      case "unsafe":
        problems.push(
          problemAt(
            file.path,
            PROBLEM_CODES.UNSAFE_PATH,
            `Refused to read this path: ${file.reason ?? "unsafe"}.`,
          ),
        );
        break;
      case "other": {
        const rename = misnamedYaml(file.path);
        problems.push(
          rename
            ? problemAt(
                file.path,
                PROBLEM_CODES.WRONG_EXTENSION,
                `${quote(rename.name)} looks like ${rename.what} but is not named *.yaml, so it would be ignored: rename it to ${quote(rename.to)}.`,
              )
            : problemAt(
                file.path,
                PROBLEM_CODES.IGNORED_FILE,
                "Not a template (<id>/<version>.yaml), labels file (<id>/labels.yaml) or partial (_partials/**/*.hbs); it is ignored. Move it under a top-level _ or . directory to silence this.",
                "warning",
              ),
        );
        break;
      }
      case "partial":
        partialFiles.push({ file, name: file.path.slice("_partials/".length, -".hbs".length) });
        break;
      case "labels": {
        const at = templatePath(file, problems);
        if (at) labelFiles.push({ file, id: at.id });
        break;
      }
      case "template": {
        const at = templatePath(file, problems);
        if (!at) break;
        const version = at.name.slice(0, -".yaml".length);
        if (!isStrictSemver(version)) {
          problems.push(
            problemAt(
              file.path,
              PROBLEM_CODES.INVALID_VERSION_FILE,
              `File name ${quote(at.name)} is not <version>.yaml with a strict semver version (e.g. 1.2.0.yaml, 2.0.0-rc.1.yaml).`,
            ),
          );
          break;
        }
        templates.push({ file, id: at.id, version });
      }
    }
  }

  const texts = new Map<string, string>();
  const wanted = [
    ...templates.map((t) => t.file),
    ...labelFiles.map((l) => l.file),
    ...partialFiles.map((p) => p.file),
  ];
  await mapLimited(
    // Files the cache vouches for are taken without a read (most of a reload): only the rest go through the reads.
    cache
      ? wanted.filter((file) => {
          const trusted = trustedText(cache, file);
          if (trusted === undefined || (file.size !== undefined && file.size > LIMITS.maxFileBytes))
            return true;
          texts.set(file.path, trusted);
          return false;
        })
      : wanted,
    READ_CONCURRENCY,
    async (file) => {
      if (file.size !== undefined && file.size > LIMITS.maxFileBytes) {
        problems.push(
          problemAt(
            file.path,
            PROBLEM_CODES.FILE_TOO_LARGE,
            `File is ${file.size} bytes, over the ${LIMITS.maxFileBytes}-byte limit. Split it up or move shared text into a partial.`,
          ),
        );
        return;
      }
      let text: string;
      try {
        text = await store.read(file.path);
      } catch (error) {
        cache?.files.delete(file.path);
        problems.push(describeReadError(file.path, error));
        return;
      }
      // A store handing out JS strings (memory, custom) can hold half a surrogate pair, which is not Unicode text.
      const surrogate = findLoneSurrogate(text);
      if (surrogate) {
        problems.push({
          file: file.path,
          ...surrogate,
          code: PROBLEM_CODES.INVALID_UTF8,
          message: `The text holds a lone UTF-16 surrogate at line ${surrogate.line}, column ${surrogate.column}, which is not a character and cannot be written as UTF-8. Fix the text where it was produced.`,
          severity: "error",
        });
        return;
      }
      texts.set(file.path, text);
      if (cache) rememberText(cache, { file, text, scanStart });
    },
  );

  // Partials: sources, reference graph, missing references between partials, cycles.
  const sources = new Map<string, string>();
  const graph = new Map<string, string[]>();
  for (const { file, name } of partialFiles) {
    const text = texts.get(file.path);
    if (text === undefined) continue;
    sources.set(name, text);
    graph.set(name, findPartialReferences(text));
  }
  for (const { file, name } of partialFiles) {
    const list = new ProblemList(file.path);
    for (const used of graph.get(name) ?? []) {
      if (!sources.has(used)) {
        list.add({
          line: 1,
          column: 1,
          code: PROBLEM_CODES.MISSING_PARTIAL,
          message: `Partial ${quote(name)} includes ${quote(used)}, which is not defined: create ${quote(`_partials/${used}.hbs`)}.`,
        });
      }
    }
    problems.push(...list.finish());
  }
  for (const cycle of findPartialCycles(graph)) {
    problems.push(
      problemAt(
        `_partials/${cycle[0]}.hbs`,
        PROBLEM_CODES.PARTIAL_CYCLE,
        `Partials include each other in a cycle: ${[...cycle, cycle[0]!].map(quote).join(" -> ")}. Break the cycle; Handlebars would recurse forever.`,
      ),
    );
  }
  const partials: PartialIndex = { sources, graph };

  // Templates.
  const loaded: TemplateVersion[] = [];
  const existingVersions = new Map<TemplateId, Set<string>>();
  for (const { file, id, version } of templates) {
    if (!existingVersions.has(id)) existingVersions.set(id, new Set());
    existingVersions.get(id)!.add(version);
    const text = texts.get(file.path);
    if (text === undefined) continue;
    const reused = cache && reusableBuild(cache, { path: file.path, text, partials: sources });
    if (reused) {
      problems.push(...reused.problems);
      loaded.push(reused.version);
      continue;
    }
    cache?.builds.delete(file.path);
    const yaml = parseYamlSource({ text, file: file.path });
    problems.push(...yaml.problems);
    if (!yaml.ok) continue;
    const built = buildTemplateVersion({
      value: yaml.value,
      file: file.path,
      locator: yaml.locator,
      expected: { id, version },
      partials,
    });
    problems.push(...built.problems);
    if (!built.version) continue;
    loaded.push(built.version);
    if (cache && !built.problems.some((problem) => problem.severity === "error")) {
      cache.builds.set(file.path, {
        text,
        partials: usedPartials(built.version, partials),
        version: built.version,
        problems: [...yaml.problems, ...built.problems],
      });
    }
  }

  // Labels.
  const labels = new Map<TemplateId, Record<string, string>>();
  for (const { file, id } of labelFiles) {
    const text = texts.get(file.path);
    if (text === undefined) continue;
    const versions = existingVersions.get(id);
    if (!versions) {
      problems.push(
        problemAt(
          file.path,
          PROBLEM_CODES.LABELS_WITHOUT_TEMPLATE,
          `labels.yaml for ${quote(id)}, but there is no ${id}/<version>.yaml.`,
        ),
      );
      continue;
    }
    // Parsed again only when its text changed; what it says is checked again below (the versions may have changed).
    let yaml = cache?.labels.get(file.path)?.text === text ? cache.labels.get(file.path)!.yaml : undefined;
    if (!yaml) {
      yaml = parseYamlSource({ text, file: file.path });
      cache?.labels.set(file.path, { text, yaml });
    }
    problems.push(...yaml.problems);
    if (!yaml.ok) continue;
    const list = new ProblemList(file.path);
    const report = (path: string[], code: ProblemCode, message: LazyMessage, key = false) => {
      list.add({ ...yaml.locator.locate(path, { key }), code, message });
    };
    if (yaml.value === null || yaml.value === undefined) continue;
    if (typeof yaml.value !== "object" || Array.isArray(yaml.value)) {
      report(
        [],
        PROBLEM_CODES.LABELS_NOT_MAPPING,
        "labels.yaml must be a mapping of label: version, e.g. production: 1.2.0.",
      );
      problems.push(...list.finish());
      continue;
    }
    const map: Record<string, string> = {};
    for (const [label, target] of Object.entries(yaml.value as Record<string, unknown>)) {
      if (label === "latest") {
        report(
          [label],
          PROBLEM_CODES.RESERVED_LABEL,
          '"latest" is reserved (it always means the highest published version); choose another label name.',
          true,
        );
      } else if (!isLabelName(label)) {
        report(
          [label],
          PROBLEM_CODES.INVALID_LABEL,
          `Label ${quote(label)} is not a valid name: use [a-z][a-z0-9-]* (e.g. production, staging).`,
          true,
        );
      } else if (typeof target !== "string" || !isStrictSemver(target)) {
        report(
          [label],
          PROBLEM_CODES.INVALID_LABEL_TARGET,
          `Label ${quote(label)} must point at an exact version such as 1.2.0 (quote it if YAML reads it as a number), got ${typeof target === "string" ? quote(target) : escapeControl(JSON.stringify(target) ?? String(target))}.`,
        );
      } else if (!versions.has(target)) {
        report([label], PROBLEM_CODES.LABEL_MISSING_VERSION, () => {
          const available = [...versions].sort();
          const [closest] = closestMatches(target, available, 1);
          return `Label ${quote(label)} points at ${id}@${target}, which does not exist. Available: ${available.join(", ")}.${
            closest === undefined ? "" : ` Did you mean ${closest}?`
          }`;
        });
      } else map[label] = target;
    }
    problems.push(...list.finish());
    labels.set(id, map);
  }

  problems.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column,
  );
  if (problems.some((problem) => problem.severity === "error")) return { problems };
  return { registry: createRegistry({ versions: loaded, labels, partials: sources }), problems };
}

/**
 * The partials a built version's build depended on: every name reachable from its messages, each with its source,
 * or undefined for a name that does not exist (yet). A missing partial changes the build when it appears, so it is
 * remembered too (a partial including one that is not defined leaves it out of the content hash).
 */
function usedPartials(version: TemplateVersion, partials: PartialIndex): Map<string, string | undefined> {
  const used = new Map<string, string | undefined>();
  const queue: string[] = [];
  for (const message of version.messages) queue.push(...findPartialReferences(message.content));
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (used.has(name)) continue;
    used.set(name, partials.sources.get(name));
    queue.push(...(partials.graph.get(name) ?? []));
  }
  return used;
}

/** Loads a registry from any store; throws `RegistryLoadError` carrying every problem if any is an error. */
export async function loadRegistry({
  store,
  cache,
  changed,
}: {
  store: TemplateStore;
  /** See `checkRegistry`: pass the same cache to every reload of one store. */
  cache?: LoadCache;
  /** See `checkRegistry`: the paths a watcher saw change since the last load with `cache`. */
  changed?: readonly string[];
}): Promise<Registry> {
  const { registry, problems } = await checkRegistry({
    store,
    ...(cache ? { cache } : {}),
    ...(changed ? { changed } : {}),
  });
  if (!registry) throw new RegistryLoadError({ problems, source: store.location });
  return registry;
}

/** `loadRegistry` over a directory such as `templates/`. */
export function loadRegistryFromDir(dir: string): Promise<Registry> {
  return loadRegistry({ store: createFileSystemStore(dir) });
}
