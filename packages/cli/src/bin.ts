#!/usr/bin/env node
import { createProcessIo } from "./io.js";
import { main } from "./main.js";

// `promptreg list | head -1` closes stdout early; that is not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), createProcessIo());
