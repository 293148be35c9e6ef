import type { TemplateVersion } from "@promptreg/registry";
import { BUDGETS } from "./budgets.js";
import type { InputIssue } from "./errors/input-validation-error.js";
import {
  type OutputBudgetName,
  OutputValidationError,
  type TextPosition,
} from "./errors/output-validation-error.js";
import { jsonErrorOffset } from "./json-error-offset.js";

export type ParseOutputResult = { ok: true; value: unknown } | { ok: false; error: OutputValidationError };

type Extraction =
  | { kind: "found"; value: unknown }
  | { kind: "no_json"; detail: string }
  | { kind: "invalid_json"; detail: string; offset: number }
  | { kind: "over_budget"; budget: OutputBudgetName; limit: number; detail: string; offset?: number };

/** Counts the characters the search reads (scans, parses, error location), so tests can check it stays linear. */
export interface ExtractionMeter {
  read: number;
}

// Characters JSON allows outside strings. A span that meets any other character cannot be JSON, so prose such as
// "[see above]" or "[0, 1)" is given up where it stops looking like JSON instead of being matched to a bracket
// far away.
const JSON_CHAR = new Uint8Array(128);
for (const char of ' \t\n\r0123456789+-.eEtruefalsn,:[]{}"') JSON_CHAR[char.charCodeAt(0)] = 1;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function tryParse(
  source: string,
  meter: ExtractionMeter,
): { ok: true; value: unknown } | { ok: false; detail: string; at: number } {
  meter.read += source.length;
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const at = jsonErrorOffset(source);
    meter.read += at;
    return { ok: false, detail: detail.replace(/ in JSON at position \d+.*$/, ""), at };
  }
}

/**
 * Where the `[`/`{` nesting of `text[start, end)` first goes deeper than the budget (strings respected), or -1.
 * Run before JSON.parse: V8 parses any depth, but slowly, and nothing downstream needs more.
 */
function depthOverflow(text: string, start: number, end: number, meter: ExtractionMeter): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < end; i++) {
    meter.read++;
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > BUDGETS.maxJsonDepth) return i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return -1;
}

interface Fence {
  start: number;
  end: number;
  language: string;
  bodyStart: number;
  bodyEnd: number;
}

function isInlineSpace(c: number): boolean {
  return c !== 0x0a && c !== 0x0d && /\s/.test(String.fromCharCode(c));
}

/**
 * Markdown code fences: "```", optional blanks, a language made of [A-Za-z0-9_+-], optional blanks, a newline, then
 * the body up to the next "```". A hand-written scanner because the equivalent regex backtracked quadratically
 * over a run of blanks after an opener, and model replies are untrusted.
 */
function findFences(text: string, meter: ExtractionMeter): Fence[] {
  const fences: Fence[] = [];
  let at = text.indexOf("```");
  while (at !== -1) {
    let i = at + 3;
    while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
    const languageStart = i;
    while (i < text.length && /[A-Za-z0-9_+-]/.test(text[i]!)) i++;
    const language = text.slice(languageStart, i);
    while (i < text.length && isInlineSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === 0x0d) i++;
    meter.read += i - at;
    if (text.charCodeAt(i) !== 0x0a) {
      at = text.indexOf("```", at + 1);
      continue;
    }
    const bodyStart = i + 1;
    const close = text.indexOf("```", bodyStart);
    // Without a closing fence no later opener has one either.
    if (close === -1) break;
    meter.read += close - at;
    fences.push({ start: at, end: close + 3, language, bodyStart, bodyEnd: close });
    at = text.indexOf("```", close + 3);
  }
  return fences;
}

/** How a scan from one `[`/`{` ended, and the balanced spans it saw inside (by opener, in text order). */
interface Region {
  /** Index just past the closer when the span from `start` is balanced, else -1. */
  end: number;
  /** Where a scan that did not balance stopped. */
  stop: number;
  reason: "balanced" | "not_json" | "unclosed" | "too_deep";
  inner: [start: number, end: number][];
}

/**
 * Scans from the bracket at `start` to its closer, respecting strings. Stops early at a closer of the wrong
 * kind or a character JSON does not allow outside strings. Marks every bracket it saw outside a string in
 * `settled`, since a scan from that bracket would find exactly what this one did.
 */
function scanRegion(text: string, start: number, settled: Uint8Array, meter: ExtractionMeter): Region {
  const closers: number[] = [];
  const openers: number[] = [];
  const inner: [number, number][] = [];
  let inString = false;
  const fail = (reason: Region["reason"], stop: number): Region => {
    inner.sort((a, b) => a[0] - b[0]);
    return { end: -1, stop, reason, inner };
  };
  for (let i = start; i < text.length; i++) {
    meter.read++;
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (closers.length >= BUDGETS.maxJsonDepth) {
        skipTooDeep(text, i, closers.length, settled, meter);
        return { end: -1, stop: i, reason: "too_deep", inner: [] };
      }
      settled[i] = 1;
      closers.push(c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET);
      openers.push(i);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (closers[closers.length - 1] !== c) return fail("not_json", i);
      closers.pop();
      const opener = openers.pop()!;
      if (closers.length === 0) {
        inner.sort((a, b) => a[0] - b[0]);
        return { end: i + 1, stop: i, reason: "balanced", inner };
      }
      inner.push([opener, i + 1]);
    } else if (c >= 128 || JSON_CHAR[c] === 0) return fail("not_json", i);
  }
  return fail("unclosed", text.length);
}

/**
 * Settles every bracket of a structure nested deeper than the budget, up to where it closes (or stops looking like
 * JSON), so that no span inside it is tried on its own: the reply is over budget there, not a smaller value.
 */
function skipTooDeep(
  text: string,
  from: number,
  depth: number,
  settled: Uint8Array,
  meter: ExtractionMeter,
): void {
  let inString = false;
  for (let i = from; i < text.length && depth > 0; i++) {
    meter.read++;
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      settled[i] = 1;
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c >= 128 || JSON_CHAR[c] === 0) return;
  }
}

/**
 * Finds the JSON value in a model reply. Tries, in order: ```json (or unlabelled) fences, the whole reply,
 * then each balanced `{…}` / `[…]` in the text (so prose before and after is tolerated). The first value `accept`
 * takes wins; when none is accepted, the first value that parsed is returned (so the caller can say why it does
 * not fit), else the first problem with its offset when something looked like JSON but did not parse. The work is
 * bounded by BUDGETS (reply length, nesting depth, JSON.parse attempts, characters read), each reported as
 * `over_budget`.
 */
export function extractJson(
  text: string,
  options: { accept?: (value: unknown) => boolean; meter?: ExtractionMeter } = {},
): Extraction {
  const { accept = () => true, meter = { read: 0 } } = options;
  if (text.length > BUDGETS.maxReplyChars) {
    return {
      kind: "over_budget",
      budget: "reply_chars",
      limit: BUDGETS.maxReplyChars,
      detail: `the reply has ${text.length} characters`,
    };
  }
  let firstError: Exclude<Extraction, { kind: "found" | "no_json" }> | undefined;
  let firstRejected: { value: unknown } | undefined;
  const remember = (detail: string, offset: number) => {
    firstError ??= { kind: "invalid_json", detail, offset };
  };
  const tooDeep = (offset: number) => {
    firstError ??= {
      kind: "over_budget",
      budget: "json_depth",
      limit: BUDGETS.maxJsonDepth,
      detail: `JSON nested more than ${BUDGETS.maxJsonDepth} levels deep`,
      offset,
    };
  };
  const stop = (budget: "json_candidates" | "scan_chars"): Extraction => {
    if (firstRejected) return { kind: "found", value: firstRejected.value };
    const offset = firstError?.offset;
    return {
      kind: "over_budget",
      budget,
      ...(budget === "json_candidates"
        ? {
            limit: BUDGETS.maxJsonCandidates,
            detail: `none of the first ${BUDGETS.maxJsonCandidates} JSON-looking parts of the reply is a valid answer`,
          }
        : {
            limit: BUDGETS.maxScanChars,
            detail: `the search for JSON read ${BUDGETS.maxScanChars} characters without finding a valid answer`,
          }),
      ...(offset === undefined ? {} : { offset }),
    };
  };
  let attempts = 0;
  /** Parses `text[start, end)`: the value if it parses and is accepted, the error offset if it does not parse. */
  const attempt = (
    source: string,
    start: number,
    end: number,
  ): { stop: Extraction } | { failedAt: number } | { parsed: true } => {
    if (++attempts > BUDGETS.maxJsonCandidates) return { stop: stop("json_candidates") };
    if (meter.read + (end - start) > BUDGETS.maxScanChars) return { stop: stop("scan_chars") };
    const parsed = tryParse(source.slice(start, end), meter);
    if (!parsed.ok) {
      remember(parsed.detail, start + parsed.at);
      return { failedAt: start + parsed.at };
    }
    if (accept(parsed.value)) return { stop: { kind: "found", value: parsed.value } };
    firstRejected ??= { value: parsed.value };
    return { parsed: true };
  };

  // Code in other languages (```python) may contain braces: blanked out (keeping offsets) before scanning.
  const blanked: [number, number][] = [];
  for (const fence of findFences(text, meter)) {
    const language = fence.language.toLowerCase();
    if (language !== "" && language !== "json" && language !== "jsonc" && language !== "json5") {
      blanked.push([fence.start, fence.end]);
      continue;
    }
    let bodyStart = fence.bodyStart;
    let bodyEnd = fence.bodyEnd;
    while (bodyStart < bodyEnd && /\s/.test(text[bodyStart]!)) bodyStart++;
    while (bodyEnd > bodyStart && /\s/.test(text[bodyEnd - 1]!)) bodyEnd--;
    if (bodyStart === bodyEnd) continue;
    const deep = depthOverflow(text, bodyStart, bodyEnd, meter);
    if (deep !== -1) {
      tooDeep(deep);
      continue;
    }
    const outcome = attempt(text, bodyStart, bodyEnd);
    if ("stop" in outcome) return outcome.stop;
  }

  const trimmed = text.trim();
  if (trimmed !== "") {
    const start = text.length - text.trimStart().length;
    const end = start + trimmed.length;
    const deep = depthOverflow(text, start, end, meter);
    if (deep === -1) {
      // A parse error here is not remembered: prose is expected, and the spans below say more.
      const remembered = firstError;
      const outcome = attempt(text, start, end);
      firstError = remembered;
      if ("stop" in outcome) return outcome.stop;
      // The whole reply is JSON, just not an accepted value: everything inside it was looked at already.
      if ("parsed" in outcome) return { kind: "found", value: firstRejected!.value };
    } else if (text[start] === "[" || text[start] === "{") tooDeep(deep);
  }

  let scannable = text;
  if (blanked.length > 0) {
    const parts: string[] = [];
    let last = 0;
    for (const [start, end] of blanked) {
      parts.push(text.slice(last, start), " ".repeat(end - start));
      last = end;
    }
    parts.push(text.slice(last));
    scannable = parts.join("");
  }

  // Brackets whose scan outcome is known (seen outside a string by an earlier scan).
  const settled = new Uint8Array(scannable.length);
  for (let start = 0; start < scannable.length; start++) {
    const char = scannable.charCodeAt(start);
    if ((char !== OPEN_BRACE && char !== OPEN_BRACKET) || settled[start] === 1) continue;
    if (meter.read > BUDGETS.maxScanChars) return stop("scan_chars");
    const region = scanRegion(scannable, start, settled, meter);
    const spans =
      region.end === -1 ? region.inner : [[start, region.end] as [number, number], ...region.inner];
    // Where the last span that failed to parse went wrong. A later span that starts before it and ends after it
    // contains the same error (JSON's grammar inside a value does not depend on what surrounds it): skipped.
    let failedAt = -1;
    for (const [spanStart, spanEnd] of spans) {
      if (spanStart < failedAt && failedAt < spanEnd) continue;
      const outcome = attempt(scannable, spanStart, spanEnd);
      if ("stop" in outcome) return outcome.stop;
      if ("failedAt" in outcome) failedAt = outcome.failedAt;
    }
    if (region.reason === "too_deep") tooDeep(region.stop);
    else if (region.reason !== "balanced" && firstError === undefined) {
      // Only the first problem is reported, so only it is worth a JSON.parse for its message.
      const unclosed = region.reason === "unclosed";
      const parsed = tryParse(scannable.slice(start, unclosed ? undefined : region.stop + 1), meter);
      if (!parsed.ok) {
        remember(unclosed ? `${parsed.detail} (the JSON is not closed)` : parsed.detail, start + parsed.at);
      }
    }
  }

  if (firstRejected) return { kind: "found", value: firstRejected.value };
  if (firstError) return firstError;
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
  let accepted: { data: unknown } | undefined;
  const extracted = extractJson(text, {
    accept: (value) => {
      const result = schema.safeParse(value);
      if (result.success) accepted = { data: result.data };
      return result.success;
    },
  });
  if (accepted) return { ok: true, value: accepted.data };
  // A schema that accepts plain text (type: string) is satisfied by a reply that is not JSON at all, unless the
  // reply is over the length budget, which holds whatever the schema.
  if (!(extracted.kind === "over_budget" && extracted.budget === "reply_chars")) {
    const asText = schema.safeParse(text.trim());
    if (asText.success) return { ok: true, value: asText.data };
  }
  switch (extracted.kind) {
    case "found": {
      const result = schema.safeParse(extracted.value);
      return {
        ok: false,
        error: new OutputValidationError({
          ...base,
          kind: "schema_mismatch",
          detail: "schema mismatch",
          issues: result.success ? [] : toIssues(result.error.issues),
        }),
      };
    }
    case "over_budget":
      return {
        ok: false,
        error: new OutputValidationError({
          ...base,
          kind: "over_budget",
          detail: extracted.detail,
          budget: extracted.budget,
          limit: extracted.limit,
          ...(extracted.offset === undefined ? {} : { position: positionOf(text, extracted.offset) }),
        }),
      };
    case "no_json":
      return {
        ok: false,
        error: new OutputValidationError({ ...base, kind: "no_json", detail: extracted.detail }),
      };
    case "invalid_json":
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
}
