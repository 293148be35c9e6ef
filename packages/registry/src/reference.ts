import semver from "semver";
import { InvalidReferenceError } from "./errors/invalid-reference-error.js";
import { checkTemplateId, isLabelName, isStrictSemver } from "./ids.js";
import type { TemplateRef, VersionSelector } from "./types.js";

const MAX_REFERENCE_LENGTH = 512;

const SUSPECT = /[vV=+]|[^\S ]/;
const V_PREFIX = /(^|[ <>=~^|])[vV](?=[0-9])/;
const BARE_EQUALS = /(^|[ |])=+(?= *[0-9vV])/;

/**
 * `v1.2.0`, `=1.2.0` and `1.2.0+build` are valid to semver (as ranges), but a registry reference names versions
 * exactly as the files do: where the selector uses one of them, and what to write instead.
 */
function misspeltVersion(selector: string): { at: number; reason: string } | undefined {
  // Most ranges (^1, ~1.2, 1.x) have none of these characters: one test instead of four.
  if (!SUSPECT.test(selector)) return undefined;
  const space = /[^\S ]/.exec(selector);
  if (space) return { at: space.index, reason: "only spaces may separate the parts of a range" };
  const found: { at: number; what: string }[] = [];
  const v = V_PREFIX.exec(selector);
  if (v) found.push({ at: v.index + v[1]!.length, what: 'a "v" prefix is not part of a version' });
  const equals = BARE_EQUALS.exec(selector);
  if (equals) {
    found.push({ at: equals.index + equals[1]!.length, what: '"=" is not needed: a bare version is exact' });
  }
  const plus = selector.indexOf("+");
  if (plus !== -1) {
    found.push({
      at: plus,
      what: "build metadata (+...) cannot select a version: semver ignores it when comparing, and versions here have none",
    });
  }
  const first = found.sort((a, b) => a.at - b.at)[0];
  if (!first) return undefined;
  const fixed = selector
    .replace(/\+[0-9A-Za-z.-]*/g, "")
    .replace(new RegExp(V_PREFIX.source, "g"), "$1")
    .replace(new RegExp(BARE_EQUALS.source, "g"), "$1")
    .trim();
  return { at: first.at, reason: `${first.what}; write "@${fixed}" instead` };
}

function parseSelector(reference: string, selector: string, at: number): VersionSelector {
  if (selector.length === 0) {
    throw new InvalidReferenceError({ reference, position: at, reason: 'nothing after "@"' });
  }
  if (/^\s/.test(selector) || /\s$/.test(selector)) {
    const position = /^\s/.test(selector) ? at : at + selector.length - 1;
    throw new InvalidReferenceError({ reference, position, reason: "leading or trailing whitespace" });
  }
  if (selector === "latest") return { kind: "latest" };
  if (isStrictSemver(selector)) return { kind: "exact", value: selector };
  if (isLabelName(selector)) return { kind: "label", value: selector };
  const misspelt = misspeltVersion(selector);
  if (misspelt)
    throw new InvalidReferenceError({ reference, position: at + misspelt.at, reason: misspelt.reason });
  let range: string | null = null;
  try {
    range = semver.validRange(selector);
  } catch {
    range = null;
  }
  if (range === null || !/^[0-9<>=~^*xX|\s.+\-a-zA-Z]+$/.test(selector)) {
    const bad = [...selector].findIndex((char) => !/[0-9a-zA-Z<>=~^*|\s.+-]/.test(char));
    throw new InvalidReferenceError({
      reference,
      position: at + Math.max(0, bad),
      reason: `"${selector}" is neither a version (1.2.0), a semver range (^1, ~1.2, >=1 <2), a label ([a-z][a-z0-9-]*) nor "latest"`,
    });
  }
  return { kind: "range", value: selector };
}

/**
 * Parses `id`, `id@1.2.0`, `id@^1`, `id@~1.2`, `id@>=1 <2`, `id@production` or `id@latest`.
 * A bare id means latest. Throws `InvalidReferenceError` (with the offending position) for anything else.
 */
export function parseReference(reference: string): TemplateRef {
  if (typeof reference !== "string") {
    throw new InvalidReferenceError({ reference: String(reference), position: 0, reason: "not a string" });
  }
  if (reference.length > MAX_REFERENCE_LENGTH) {
    throw new InvalidReferenceError({
      reference,
      position: MAX_REFERENCE_LENGTH,
      reason: `longer than ${MAX_REFERENCE_LENGTH} characters`,
    });
  }
  const at = reference.indexOf("@");
  const id = at === -1 ? reference : reference.slice(0, at);
  const idProblem = checkTemplateId(id);
  if (idProblem) throw new InvalidReferenceError({ reference, ...idProblem });
  if (at === -1) return { id, selector: { kind: "latest" } };
  return { id, selector: parseSelector(reference, reference.slice(at + 1), at + 1) };
}

/** The canonical string of a reference; latest is written as the bare id. */
export function formatReference(ref: TemplateRef): string {
  return ref.selector.kind === "latest" ? ref.id : `${ref.id}@${ref.selector.value}`;
}

export function toReference(ref: string | TemplateRef): TemplateRef {
  return typeof ref === "string" ? parseReference(ref) : ref;
}
