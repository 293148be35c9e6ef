import {
  checkRegistry,
  createFileSystemStore,
  createMemoryStore,
  type Problem,
  type Registry,
  type TemplateStore,
} from "@promptreg/registry";
import { type GitTree, readGitTree } from "./git-tree.js";

/** One side of a review: the registry at a revision (or the working tree), or the problems that kept it from loading. */
export interface Revision {
  /** How the report names it: the ref as given, or "working tree". */
  name: string;
  /** The commit id; undefined for the working tree. */
  commit?: string;
  /** Present when the tree loads without error-severity problems. */
  registry?: Registry;
  /** Every load problem, errors and warnings, plus files git listed but the review did not read. */
  problems: Problem[];
  /** The files the registry was loaded from, for rules that need the text (positions of findings). */
  store: TemplateStore;
}

/**
 * Checks a tree. When the only errors are in `labels.yaml` files (a label pointing at a removed or missing version,
 * the very thing a review must report), the tree is loaded once more without those files, so the rest can still be
 * compared; the label problems stay in `problems` and the labels' own rules judge them.
 */
async function checkTolerantly(store: TemplateStore): Promise<{ registry?: Registry; problems: Problem[] }> {
  const { registry, problems } = await checkRegistry({ store });
  if (registry) return { registry, problems };
  const errors = problems.filter((problem) => problem.severity === "error");
  const labelFiles = new Set(errors.map((problem) => problem.file));
  if (errors.length === 0 || ![...labelFiles].every((file) => file.endsWith("/labels.yaml")))
    return { problems };
  const retry = await checkRegistry({ store: withoutFiles(store, labelFiles) });
  return retry.registry ? { registry: retry.registry, problems } : { problems };
}

function withoutFiles(store: TemplateStore, hidden: ReadonlySet<string>): TemplateStore {
  return {
    location: store.location,
    list: async () => (await store.list()).filter((file) => !hidden.has(file.path)),
    read: (path) => store.read(path),
  };
}

/** Loads a tree read from git through the registry's own loader, from memory: nothing is written to disk. */
export async function loadTreeRevision(tree: GitTree): Promise<Revision> {
  const store = createMemoryStore(tree.files, {
    location: `git ${tree.ref}${tree.prefix ? `:${tree.prefix}` : ""}`,
  });
  const { registry, problems } = await checkTolerantly(store);
  const skipped: Problem[] = tree.skipped.map(({ path, code, reason }) => ({
    file: path,
    line: 1,
    column: 1,
    code,
    message: `${reason}; not read at ${tree.ref}.`,
    severity: "error",
  }));
  return {
    name: tree.ref,
    commit: tree.commit,
    ...(registry && skipped.length === 0 ? { registry } : {}),
    problems: [...skipped, ...problems],
    store,
  };
}

/** The template tree under `prefix` at `ref`, read through git without a checkout, loaded into a registry. */
export async function loadGitRevision(options: {
  repoDir: string;
  ref: string;
  prefix: string;
}): Promise<Revision> {
  return loadTreeRevision(await readGitTree(options));
}

/** The working tree (the default head of a review): the template root as it is on disk. */
export async function loadWorkingTreeRevision(options: { root: string }): Promise<Revision> {
  const store = createFileSystemStore(options.root);
  const { registry, problems } = await checkTolerantly(store);
  return { name: "working tree", ...(registry ? { registry } : {}), problems, store };
}
