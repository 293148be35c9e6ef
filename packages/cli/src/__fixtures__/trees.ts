import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** `src/__fixtures__/tree`: two valid templates (4 versions, labels, a partial). */
export const validTree = fileURLToPath(new URL("./tree", import.meta.url));

/** The repository's real template tree. */
export const realTemplates = fileURLToPath(new URL("../../../../templates", import.meta.url));

export async function copyValidTree(destination: string): Promise<void> {
  await cp(validTree, destination, { recursive: true });
}

/** Writes `files` (path relative to `root` -> content) creating directories as needed. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(root, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** A minimal valid template version file (one string input `text`, two examples); shared with other packages. */
export { templateYaml } from "@promptreg/test-kit";
