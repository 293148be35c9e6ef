import { closestMatches, escapeControl, quote } from "@promptreg/core";
import { RegistryLoadError } from "./errors/registry-load-error.js";
import { StoreError } from "./errors/store-error.js";
import { createFileSystemStore } from "./file-system-store.js";
import { checkTemplateId, isLabelName, isStrictSemver } from "./ids.js";
import { LIMITS } from "./limits.js";
import {
  createLoadCache,
  emptyLoadState,
  type FileState,
  type IdState,
  type LoadCache,
  type LoadState,
  type PathRole,
  rememberText,
  setProblems,
  trustedText,
} from "./load-cache.js";
import { findPartialCycles, findPartialReferences } from "./partials.js";
import { PROBLEM_CODES, type ProblemCode } from "./problem-codes.js";
import { type LazyMessage, ProblemList } from "./problem-list.js";
import { createTemplateEntry, registryOver } from "./registry.js";
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

/** Splits `<id>/<version>.yaml` or `<id>/labels.yaml` into its id and file name, or says why the id is not valid. */
function templatePath(file: StoredFile): { id: string; name: string } | Problem {
  const slash = file.path.lastIndexOf("/");
  const id = file.path.slice(0, slash);
  const name = file.path.slice(slash + 1);
  const idProblem = checkTemplateId(id);
  if (idProblem) {
    return problemAt(
      file.path,
      PROBLEM_CODES.INVALID_ID,
      `The directory path ${quote(id)} is not a valid template id: ${escapeControl(idProblem.reason)} (at character ${idProblem.position + 1}).`,
    );
  }
  return { id, name };
}

const NO_ROLE: PathRole = { kind: "none" };

/** What a listed file is to the loader, and what its name alone says is wrong with it. */
function classify(file: StoredFile): { role: PathRole; problems: Problem[] } {
  switch (file.kind) {
    case "unsafe":
      return {
        role: NO_ROLE,
        problems: [
          problemAt(
            file.path,
            PROBLEM_CODES.UNSAFE_PATH,
            `Refused to read this path: ${file.reason ?? "unsafe"}.`,
          ),
        ],
      };
    case "other": {
      const rename = misnamedYaml(file.path);
      return {
        role: NO_ROLE,
        problems: [
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
        ],
      };
    }
    case "partial":
      return {
        role: { kind: "partial", name: file.path.slice("_partials/".length, -".hbs".length) },
        problems: [],
      };
    case "labels": {
      const at = templatePath(file);
      return "code" in at
        ? { role: NO_ROLE, problems: [at] }
        : { role: { kind: "labels", id: at.id }, problems: [] };
    }
    case "template": {
      const at = templatePath(file);
      if ("code" in at) return { role: NO_ROLE, problems: [at] };
      const version = at.name.slice(0, -".yaml".length);
      if (!isStrictSemver(version)) {
        return {
          role: NO_ROLE,
          problems: [
            problemAt(
              file.path,
              PROBLEM_CODES.INVALID_VERSION_FILE,
              `File name ${quote(at.name)} is not <version>.yaml with a strict semver version (e.g. 1.2.0.yaml, 2.0.0-rc.1.yaml).`,
            ),
          ],
        };
      }
      return { role: { kind: "template", id: at.id, version }, problems: [] };
    }
    default:
      return { role: NO_ROLE, problems: [] };
  }
}

function sameRole(a: PathRole, b: PathRole): boolean {
  switch (a.kind) {
    case "template":
      return b.kind === "template" && a.id === b.id && a.version === b.version;
    case "labels":
      return b.kind === "labels" && a.id === b.id;
    case "partial":
      return b.kind === "partial" && a.name === b.name;
    default:
      return b.kind === "none";
  }
}

/** Adds a template or labels file to its id. */
function attach(state: LoadState, file: FileState): void {
  const { role } = file;
  if (role.kind !== "template" && role.kind !== "labels") return;
  let id = state.ids.get(role.id);
  if (!id) {
    id = { templates: new Set(), versions: [], problems: [] };
    state.ids.set(role.id, id);
  }
  if (role.kind === "template") id.templates.add(file);
  else id.labelsFile = file;
}

/** Takes a template or labels file out of its id, and forgets an id left without files. */
function detach(state: LoadState, file: FileState): void {
  const { role } = file;
  if (role.kind !== "template" && role.kind !== "labels") return;
  const id = state.ids.get(role.id);
  if (!id) return;
  if (role.kind === "template") id.templates.delete(file);
  else if (id.labelsFile === file) id.labelsFile = undefined;
  if (id.templates.size === 0 && !id.labelsFile) {
    state.ids.delete(role.id);
    state.withProblems.delete(id);
  }
}

/** Reads one file into its state: its text, or the problem that kept it from being read. */
async function readFile({
  store,
  state,
  file,
  scanStart,
}: {
  store: TemplateStore;
  state: LoadState;
  file: FileState;
  scanStart: number;
}): Promise<void> {
  const { path, size } = file.file;
  if (size !== undefined && size > LIMITS.maxFileBytes) {
    setProblems(state, file, [
      problemAt(
        path,
        PROBLEM_CODES.FILE_TOO_LARGE,
        `File is ${size} bytes, over the ${LIMITS.maxFileBytes}-byte limit. Split it up or move shared text into a partial.`,
      ),
    ]);
    return;
  }
  let text: string;
  try {
    text = await store.read(path);
  } catch (error) {
    setProblems(state, file, [describeReadError(path, error)]);
    return;
  }
  // A store handing out JS strings (memory, custom) can hold half a surrogate pair, which is not Unicode text.
  const surrogate = findLoneSurrogate(text);
  if (surrogate) {
    setProblems(state, file, [
      {
        file: path,
        ...surrogate,
        code: PROBLEM_CODES.INVALID_UTF8,
        message: `The text holds a lone UTF-16 surrogate at line ${surrogate.line}, column ${surrogate.column}, which is not a character and cannot be written as UTF-8. Fix the text where it was produced.`,
        severity: "error",
      },
    ]);
    return;
  }
  rememberText(file, { text, scanStart });
}

/** Partials: sources, reference graph, missing references between partials, cycles. */
function checkPartials({ state, files }: { state: LoadState; files: readonly StoredFile[] }): PartialIndex {
  const partialFiles: { path: string; name: string }[] = [];
  const sources = new Map<string, string>();
  const graph = new Map<string, string[]>();
  for (const file of files) {
    if (file.kind !== "partial") continue;
    const { role, text } = state.files.get(file.path)!;
    if (role.kind !== "partial") continue;
    partialFiles.push({ path: file.path, name: role.name });
    if (text === undefined) continue;
    sources.set(role.name, text.text);
    graph.set(role.name, findPartialReferences(text.text));
  }
  const problems: Problem[] = [];
  for (const { path, name } of partialFiles) {
    const list = new ProblemList(path);
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
  setProblems(state, state.partialProblems, problems);
  return { sources, graph };
}

/** The names whose source differs between two sets of partials, added and removed ones included. */
function changedPartials(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): Set<string> {
  const changed = new Set<string>();
  for (const [name, source] of after) if (before.get(name) !== source) changed.add(name);
  for (const name of before.keys()) if (!after.has(name)) changed.add(name);
  return changed;
}

function buildTemplate({
  path,
  text,
  id,
  version,
  partials,
}: {
  path: string;
  text: string;
  id: TemplateId;
  version: string;
  partials: PartialIndex;
}): NonNullable<FileState["build"]> {
  const yaml = parseYamlSource({ text, file: path });
  // What does not parse does not reach any partial.
  if (!yaml.ok) return { text, partials: new Set(), problems: yaml.problems };
  const built = buildTemplateVersion({
    value: yaml.value,
    file: path,
    locator: yaml.locator,
    expected: { id, version },
    partials,
  });
  const problems = [...yaml.problems, ...built.problems];
  if (!built.version) return { text, partials: undefined, problems };
  return { text, partials: usedPartials(built.version, partials), version: built.version, problems };
}

/** What a labels file says, checked against the versions its id has files for. */
function checkLabels({
  file,
  id,
  versions,
}: {
  file: FileState;
  id: TemplateId;
  versions: ReadonlySet<string>;
}): { problems: Problem[]; labels?: Record<string, string> } {
  const { path } = file.file;
  const text = file.text?.text;
  if (text === undefined) return { problems: [] };
  if (versions.size === 0) {
    return {
      problems: [
        problemAt(
          path,
          PROBLEM_CODES.LABELS_WITHOUT_TEMPLATE,
          `labels.yaml for ${quote(id)}, but there is no ${id}/<version>.yaml.`,
        ),
      ],
    };
  }
  // Parsed again only when its text changed; what it says is checked again (the versions may have changed).
  if (file.yaml?.text !== text) file.yaml = { text, yaml: parseYamlSource({ text, file: path }) };
  const { yaml } = file.yaml;
  const problems = [...yaml.problems];
  if (!yaml.ok || yaml.value === null || yaml.value === undefined) return { problems };
  const list = new ProblemList(path);
  const report = (at: string[], code: ProblemCode, message: LazyMessage, key = false) => {
    list.add({ ...yaml.locator.locate(at, { key }), code, message });
  };
  if (typeof yaml.value !== "object" || Array.isArray(yaml.value)) {
    report(
      [],
      PROBLEM_CODES.LABELS_NOT_MAPPING,
      "labels.yaml must be a mapping of label: version, e.g. production: 1.2.0.",
    );
    problems.push(...list.finish());
    return { problems };
  }
  const labels: Record<string, string> = {};
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
    } else labels[label] = target;
  }
  problems.push(...list.finish());
  return { problems, labels };
}

/** Builds (or takes the builds of unchanged texts of) one id's versions, and checks its labels against them. */
function checkId({ state, id, files }: { state: LoadState; id: TemplateId; files: IdState }): void {
  const problems: Problem[] = [];
  const versions: TemplateVersion[] = [];
  const names = new Set<string>();
  for (const template of files.templates) {
    const { role, text } = template;
    if (role.kind !== "template") continue;
    names.add(role.version);
    if (text === undefined) continue;
    if (template.build?.text !== text.text) {
      template.build = buildTemplate({
        path: template.file.path,
        text: text.text,
        id,
        version: role.version,
        partials: state.partials,
      });
    }
    problems.push(...template.build.problems);
    if (template.build.version) versions.push(template.build.version);
  }
  const labels = files.labelsFile && checkLabels({ file: files.labelsFile, id, versions: names });
  if (labels) problems.push(...labels.problems);
  files.versions = versions;
  files.labels = labels?.labels;
  setProblems(state, files, problems);
}

/**
 * Loads every template, label and partial from `store` and reports every problem (never only the first).
 * Never throws for content problems; only for a store that cannot list at all.
 */
export async function checkRegistry({
  store,
  cache = createLoadCache(),
  changed,
}: {
  store: TemplateStore;
  /**
   * Reuse what an earlier check of the same store read, built and indexed (incremental reload): pass the same
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
  const scanStart = cache.now();
  const previous = cache.state.listing;
  // Forgotten until this listing succeeds: a failed one must not leave a listing the next changes are applied to.
  cache.state.listing = undefined;
  const files =
    (changed && previous && (await store.listChanged?.(previous, changed))) || (await store.list());
  if (files.length > LIMITS.maxFiles) {
    // Nothing is looked at: the next check starts over.
    cache.state = emptyLoadState();
    return {
      problems: [
        problemAt(
          ".",
          PROBLEM_CODES.TOO_MANY_FILES,
          `The template tree has more than ${LIMITS.maxFiles} files; nothing was loaded. Remove unrelated files or split the tree.`,
        ),
      ],
    };
  }
  try {
    return await checkListed({ store, cache, files, scanStart });
  } catch (error) {
    // Whatever it left half-done cannot be trusted by the next check, which starts over.
    cache.state = emptyLoadState();
    throw error;
  }
}

/**
 * The check of a listing, against what the last check of `cache` left: only the files that are new, gone or not
 * known to be unchanged are classified and read, only the ids they belong to (and those using a partial whose source
 * changed) are rebuilt, and the registry shares the other ids' entries with the last one.
 */
async function checkListed({
  store,
  cache,
  files,
  scanStart,
}: {
  store: TemplateStore;
  cache: LoadCache;
  files: readonly StoredFile[];
  scanStart: number;
}): Promise<CheckResult> {
  const { state } = cache;
  state.listing = files;
  const generation = ++state.generation;
  // Listed files new to the state, or whose kind or text may have changed (text: see trustedText).
  const looked: FileState[] = [];
  let listed = 0;
  for (const file of files) {
    let known = state.files.get(file.path);
    if (!known) {
      known = { file, role: NO_ROLE, seen: generation, problems: [] };
      state.files.set(file.path, known);
      looked.push(known);
      listed++;
      continue;
    }
    if (known.seen === generation) continue;
    known.seen = generation;
    listed++;
    const before = known.file;
    known.file = file;
    if (
      before.kind !== file.kind ||
      before.reason !== file.reason ||
      (known.role.kind !== "none" && trustedText(cache, known) === undefined)
    )
      looked.push(known);
  }

  const touchedIds = new Set<TemplateId>();
  let partialsTouched = false;
  const touch = (role: PathRole) => {
    if (role.kind === "template" || role.kind === "labels") touchedIds.add(role.id);
    else if (role.kind === "partial") partialsTouched = true;
  };
  if (listed < state.files.size) {
    for (const [path, gone] of state.files) {
      if (gone.seen === generation) continue;
      state.files.delete(path);
      state.withProblems.delete(gone);
      detach(state, gone);
      touch(gone.role);
    }
  }

  const reads: { file: FileState; before: string | undefined }[] = [];
  for (const file of looked) {
    const { role, problems } = classify(file.file);
    if (!sameRole(file.role, role)) {
      touch(file.role);
      detach(state, file);
      file.role = role;
      file.build = undefined;
      file.yaml = undefined;
      attach(state, file);
      touch(role);
    }
    setProblems(state, file, problems);
    if (role.kind !== "none") reads.push({ file, before: file.text?.text });
    file.text = undefined;
  }
  await mapLimited(reads, READ_CONCURRENCY, ({ file }) => readFile({ store, state, file, scanStart }));
  // A file read again with the same text (racily clean, or a store without mtimes) changes nothing.
  for (const { file, before } of reads) if (file.text?.text !== before) touch(file.role);

  if (partialsTouched) {
    const partials = checkPartials({ state, files });
    const changedNames = changedPartials(state.partials.sources, partials.sources);
    state.partials = partials;
    if (changedNames.size > 0) {
      // Every version built with a partial that changed is built again (and one whose build failed: it may use any).
      const names = [...changedNames];
      for (const [id, { templates }] of state.ids) {
        for (const template of templates) {
          const used = template.build?.partials;
          if (template.build && (!used || names.some((name) => used.has(name)))) {
            template.build = undefined;
            touchedIds.add(id);
          }
        }
      }
    }
  }

  for (const id of touchedIds) {
    state.staleIds.add(id);
    const idFiles = state.ids.get(id);
    if (idFiles) checkId({ state, id, files: idFiles });
  }

  const problems: Problem[] = [];
  for (const source of state.withProblems) problems.push(...source.problems);
  problems.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column,
  );
  if (problems.some((problem) => problem.severity === "error")) return { problems };

  if (state.staleIds.size > 0) {
    // A new map: the last registry keeps its own.
    const entries = new Map(state.entries);
    let idsChanged = false;
    for (const id of state.staleIds) {
      const loaded = state.ids.get(id);
      if (loaded && loaded.versions.length > 0) {
        if (!entries.has(id)) idsChanged = true;
        entries.set(id, createTemplateEntry({ versions: loaded.versions, labels: loaded.labels }));
      } else if (entries.delete(id)) idsChanged = true;
    }
    state.staleIds.clear();
    state.entries = entries;
    if (idsChanged) state.sortedIds = [...entries.keys()].sort();
  }
  return {
    registry: registryOver({
      entries: state.entries,
      sortedIds: state.sortedIds,
      partials: state.partials.sources,
    }),
    problems,
  };
}

/**
 * The partials a built version's build depended on: every name reachable from its messages, including names that do
 * not exist (yet): a missing partial changes the build when it appears (a partial including one that is not defined
 * leaves it out of the content hash).
 */
function usedPartials(version: TemplateVersion, partials: PartialIndex): Set<string> {
  const used = new Set<string>();
  const queue: string[] = [];
  for (const message of version.messages) queue.push(...findPartialReferences(message.content));
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (used.has(name)) continue;
    used.add(name);
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
