import { readFile } from "node:fs/promises";
import path from "node:path";
import { InputFileError } from "./errors/input-file-error.js";

/**
 * Reads `--inputs items.jsonl`: one JSON object per line, each one item's template input (blank lines skipped).
 * Each item carries `{ line }` as metadata, so its result can be joined back to the line it came from. A bad line
 * is an `InputFileError` naming the file and line; nothing is submitted.
 */
export async function readBatchItems({
  source,
  cwd,
  ref,
}: {
  source: string;
  cwd: string;
  ref: string;
}): Promise<{ ref: string; input: Record<string, unknown>; metadata: { line: number } }[]> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, source), "utf8");
  } catch (error) {
    const missing = (error as { code?: unknown }).code === "ENOENT";
    throw new InputFileError({
      path: source,
      problem: missing ? "not_found" : "unreadable",
      message: missing
        ? `inputs file "${source}" does not exist. Pass a JSON Lines file (one input object per line) relative to the current directory.`
        : `cannot read inputs file "${source}": ${error instanceof Error ? error.message : String(error)}.`,
      cause: error,
    });
  }
  const items: { ref: string; input: Record<string, unknown>; metadata: { line: number } }[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new InputFileError({
        path: source,
        problem: "invalid_json",
        line,
        message: `${source}:${line}: not valid JSON (${(error as Error).message}). Each line holds one input object.`,
        cause: error,
      });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new InputFileError({
        path: source,
        problem: "not_an_object",
        line,
        message: `${source}:${line}: each line must be a JSON object (the template input), got ${Array.isArray(value) ? "an array" : typeof value}.`,
      });
    }
    items.push({ ref, input: value as Record<string, unknown>, metadata: { line } });
  });
  if (items.length === 0) {
    throw new InputFileError({
      path: source,
      problem: "not_an_object",
      message: `inputs file "${source}" has no items: write one JSON input object per line.`,
    });
  }
  return items;
}
