import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The development client credential that `pnpm start` creates and `promptreg call` reads, relative to the workspace
 * root. One definition, so the service that writes it and the tools that read it cannot disagree on where it is.
 */
export const DEV_CLIENT_FILE = path.join(".promptreg", "dev-client.json");

/** The nearest directory at or above `start` holding pnpm-workspace.yaml, else `start` itself. */
export function findWorkspaceRoot(start: string): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(start);
    dir = parent;
  }
}

/**
 * Where the development credential lives: `PROMPTREG_DEV_CLIENT_FILE` if set (relative paths are taken from the
 * workspace root, as the service does), else `<workspace root>/.promptreg/dev-client.json`.
 */
export function devClientFilePath(options: {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}): string {
  const configured = options.env.PROMPTREG_DEV_CLIENT_FILE;
  return path.resolve(findWorkspaceRoot(options.cwd), configured ? configured : DEV_CLIENT_FILE);
}
