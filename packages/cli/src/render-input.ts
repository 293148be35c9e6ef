import { readFile } from "node:fs/promises";
import path from "node:path";
import type { TemplateVersion } from "@promptreg/registry";
import { jsonErrorOffset } from "@promptreg/renderer";
import { ExampleNotFoundError } from "./errors/example-not-found-error.js";
import { InputFileError } from "./errors/input-file-error.js";
import { readAllText } from "./io.js";

const stdinName = "<stdin>";

/**
 * Reads the render input from a JSON file (relative to `cwd`) or, for "-", from stdin. The result must be a
 * JSON object; anything else is an `InputFileError` naming the file and, for syntax errors, the line and column.
 */
export async function readInputJson(options: {
  source: string;
  cwd: string;
  stdin: AsyncIterable<string | Uint8Array>;
}): Promise<Record<string, unknown>> {
  const { source, cwd, stdin } = options;
  const name = source === "-" ? stdinName : source;
  let text: string;
  try {
    text = source === "-" ? await readAllText(stdin) : await readFile(path.resolve(cwd, source), "utf8");
  } catch (error) {
    const missing = isErrorCode(error, "ENOENT");
    throw new InputFileError({
      path: name,
      problem: missing ? "not_found" : "unreadable",
      message: missing
        ? `input file "${name}" does not exist. Pass a path relative to the current directory, or "--input -" to read stdin.`
        : `cannot read input file "${name}": ${error instanceof Error ? error.message : String(error)}.`,
      cause: error,
    });
  }
  return parseInputJson({ text, name });
}

/** Parses input JSON text; `name` is used in messages ("<stdin>" or the path). */
export function parseInputJson(options: { text: string; name: string }): Record<string, unknown> {
  const { text, name } = options;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const position = lineAndColumn(text, syntaxErrorOffset(text));
    const detail = text.trim() === "" ? "it is empty" : reason;
    throw new InputFileError({
      path: name,
      problem: "invalid_json",
      message: `${name}:${position.line}:${position.column}: input is not valid JSON (${detail}). The input must be one JSON object, e.g. {"ticket": "..."}.`,
      ...position,
      cause: error,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw new InputFileError({
      path: name,
      problem: "not_an_object",
      message: `${name}: input must be a JSON object with the template's fields, but it is ${kind}.`,
    });
  }
  return value as Record<string, unknown>;
}

/** The input of the example called `name`, or `ExampleNotFoundError` listing the examples that exist. */
export function exampleInput(version: TemplateVersion, name: string): Record<string, unknown> {
  const example = version.examples.find((candidate) => candidate.name === name);
  if (example === undefined) {
    throw new ExampleNotFoundError({
      templateId: version.id,
      version: version.version,
      example: name,
      available: version.examples.map((candidate) => candidate.name),
    });
  }
  return example.input;
}

/**
 * Where JSON.parse failed, found by the renderer's JSON scanner (the one that places model-reply syntax errors), so no
 * position is read out of Node's error message. "Unexpected end" points past trailing whitespace and newlines: show
 * the end of the last line with content.
 */
function syntaxErrorOffset(text: string): number {
  return Math.min(jsonErrorOffset(text), text.trimEnd().length);
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - (before.lastIndexOf("\n") + 1) + 1;
  return { line, column };
}

function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}
