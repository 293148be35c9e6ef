import { findWorkspaceRoot } from "@promptreg/signing";
import { loadConfig, type ServerConfig } from "./config.js";
import { ConfigError } from "./errors/config-error.js";

/**
 * The configuration of a process entry point (main.ts, worker-main.ts) from its environment; a bad variable prints
 * every problem and exits 1 instead of throwing a stack at the operator.
 */
export function configFromEnvOrExit(): ServerConfig {
  try {
    return loadConfig({ env: process.env, repoRoot: findWorkspaceRoot(process.cwd()) });
  } catch (error) {
    if (ConfigError.isInstance(error)) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
