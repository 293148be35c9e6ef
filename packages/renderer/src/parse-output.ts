import type { TemplateVersion } from "@promptreg/registry";
import type { InputIssue } from "./errors/input-validation-error.js";
import { OutputValidationError, type TextPosition } from "./errors/output-validation-error.js";
import { jsonErrorOffset } from "./json-error-offset.js";

export type ParseOutputResult = { ok: true; value: unknown } | { ok: false; error: OutputValidationError };

type Extraction =
  | { kind: "found"; value: unknown }
  | { kind: "no_json"; detail: string }
  | { kind: "invalid_json"; detail: string; offset: number };

const FENCE = /```[ \t]*([A-Za-z0-9_+-]*)[^\S\r\n]*\r?\n([\s\S]*?)```/g;
// A reply with thousands of stray brackets should not cost thousands of JSON.parse calls.
const MAX_CANDIDATES = 64;

function tryParse(source: string): { ok: true; value: unknown } | { ok: false; detail: string; at: number } {
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      detail: detail.replace(/ in JSON at position \d+.*$/, ""),
      at: jsonErrorOffset(source),
    };
  }
}

/** Index just past the bracket that closes the one at `start`, ignoring brackets inside strings; -1 if none. */
function matchingEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === "\\") i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * Finds the JSON value in a model reply. Tries, in order: ```json (or unlabelled) fences, the whole reply,
 * then each balanced `{…}` / `[…]` in the text (so prose before and after is tolerated). Reports the first
 * parse error with its offset when something looked like JSON but did not parse.
 */
export function extractJson(text: string): Extraction {
  let firstError: { detail: string; offset: number } | undefined;
  const remember = (detail: string, offset: number) => {
    firstError ??= { detail, offset };
  };

  // Code in other languages (```python) may contain braces; blank it out (keeping offsets) before scanning.
  let scannable = text;
  for (const fence of text.matchAll(FENCE)) {
    const language = (fence[1] ?? "").toLowerCase();
    const body = fence[2] ?? "";
    if (language !== "" && language !== "json" && language !== "jsonc" && language !== "json5") {
      scannable =
        scannable.slice(0, fence.index) +
        " ".repeat(fence[0].length) +
        scannable.slice(fence.index + fence[0].length);
      continue;
    }
    const trimmed = body.trim();
    if (trimmed === "") continue;
    const parsed = tryParse(trimmed);
    if (parsed.ok) return { kind: "found", value: parsed.value };
    const bodyStart = fence.index + fence[0].indexOf(body) + body.indexOf(trimmed);
    remember(parsed.detail, bodyStart + parsed.at);
  }

  const trimmed = text.trim();
  if (trimmed !== "") {
    const whole = tryParse(trimmed);
    if (whole.ok) return { kind: "found", value: whole.value };
  }

  let candidates = 0;
  for (let start = 0; start < scannable.length && candidates < MAX_CANDIDATES; start++) {
    const char = scannable[start];
    if (char !== "{" && char !== "[") continue;
    candidates++;
    const end = matchingEnd(scannable, start);
    if (end === -1) {
      const parsed = tryParse(scannable.slice(start));
      if (!parsed.ok) remember(`${parsed.detail} (the JSON is not closed)`, start + parsed.at);
      break;
    }
    const parsed = tryParse(scannable.slice(start, end));
    if (parsed.ok) return { kind: "found", value: parsed.value };
    remember(parsed.detail, start + parsed.at);
  }

  if (firstError) return { kind: "invalid_json", detail: firstError.detail, offset: firstError.offset };
  return {
    kind: "no_json",
    detail:
      trimmed === "" ? "the reply is empty" : `the reply starts with ${JSON.stringify(trimmed.slice(0, 40))}`,
  };
}

export function positionOf(text: string, offset: number): TextPosition {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: clamped, line, column: clamped - lineStart + 1 };
}

export function toIssues(
  issues: readonly { path: PropertyKey[]; message: string; code: string }[],
): InputIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === "number" ? part : String(part))),
    message: issue.message,
    code: issue.code,
  }));
}

/**
 * Turns a model reply into a value of the version's output schema. Versions without an output schema
 * return the trimmed text. Never throws for bad model output: the error is returned.
 */
export function validateOutput(version: TemplateVersion, text: string): ParseOutputResult {
  const schema = version.output;
  if (!schema) return { ok: true, value: text.trim() };
  const base = { templateId: version.id, version: version.version };
  const extracted = extractJson(text);
  if (extracted.kind !== "found") {
    // A schema that accepts plain text (type: string) is satisfied by a reply that is not JSON at all.
    const asText = schema.safeParse(text.trim());
    if (asText.success) return { ok: true, value: asText.data };
    if (extracted.kind === "no_json") {
      return {
        ok: false,
        error: new OutputValidationError({ ...base, kind: "no_json", detail: extracted.detail }),
      };
    }
    return {
      ok: false,
      error: new OutputValidationError({
        ...base,
        kind: "invalid_json",
        detail: extracted.detail,
        position: positionOf(text, extracted.offset),
      }),
    };
  }
  const result = schema.safeParse(extracted.value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    error: new OutputValidationError({
      ...base,
      kind: "schema_mismatch",
      detail: "schema mismatch",
      issues: toIssues(result.error.issues),
    }),
  };
}
