import { statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { workspaceManifests } from "./documented-dependencies.js";

/** A tsc program a `typecheck` script runs: its config file, compiler options and root files as tsc reads them. */
export interface TscProgram {
  /** Relative to the repository root, for messages. */
  config: string;
  options: string;
  files: string[];
}

/**
 * The config files of a `typecheck` script's steps, absolute: `tsc --noEmit` (the folder's tsconfig.json) or
 * `tsc -p <file or folder> [--noEmit]`, joined by `&&`. Any other step throws, so a new kind of step is never
 * silently left out of the comparison.
 */
export function typecheckConfigs(script: string, cwd: string): string[] {
  return script.split("&&").map((step) => {
    const words = step.trim().split(/\s+/);
    const project = words[1] === "-p" ? words[2] : undefined;
    const flags = words.slice(project === undefined ? 1 : 3);
    if (words[0] !== "tsc" || flags.some((flag) => flag !== "--noEmit")) {
      throw new Error(`typecheck step "${step.trim()}" in ${cwd} is not "tsc [-p <config>] [--noEmit]"`);
    }
    const target = path.resolve(cwd, project ?? ".");
    return statSync(target).isDirectory() ? path.join(target, "tsconfig.json") : target;
  });
}

/** Reads a config as tsc does (extends, include globs); its options with noEmit on, as every typecheck runs them. */
export function tscProgram(config: string, repoRoot: string): TscProgram {
  const read = ts.readConfigFile(config, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(config), undefined, config);
  if (parsed.errors.length > 0) {
    throw new Error(
      parsed.errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, "\n")).join("\n"),
    );
  }
  const { configFilePath: _where, ...options } = parsed.options;
  const sorted = Object.fromEntries(
    Object.entries({ ...options, noEmit: true }).sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    config: path.relative(repoRoot, config),
    options: JSON.stringify(sorted),
    files: parsed.fileNames,
  };
}

/** The programs of every workspace package's own `typecheck` script (`pnpm --filter <pkg> typecheck`). */
export function packagePrograms(repoRoot: string): TscProgram[] {
  return workspaceManifests(repoRoot).flatMap(({ dir, manifest }) => {
    const script = manifest.scripts?.typecheck;
    if (script === undefined) return [];
    return typecheckConfigs(script, path.join(repoRoot, dir)).map((config) => tscProgram(config, repoRoot));
  });
}

/**
 * The package programs no root program checks with the same options and at least the same root files: each one
 * the root `pnpm typecheck` (which CI runs) would miss.
 */
export function uncoveredPrograms(packages: TscProgram[], root: TscProgram[]): string[] {
  return packages
    .filter(
      (program) =>
        !root.some((candidate) => {
          if (candidate.options !== program.options) return false;
          const files = new Set(candidate.files);
          return program.files.every((file) => files.has(file));
        }),
    )
    .map((program) => program.config);
}
