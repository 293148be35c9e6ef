import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every level, so equal content gives equal text whatever the source order.
 *
 * A value whose keys are already in that order (every bundle written by `createBundle`: see `canonicalCopy`) is
 * serialised by the native `JSON.stringify`, which then gives the same text; checking the order costs a walk without
 * building strings. Anything else takes the concatenating path. Starting the service from a 10,000-version bundle
 * hashes every version, and the concatenating path alone was about a third of that start.
 */
export function canonicalJson(value: unknown): string {
  return inCanonicalOrder(value, 0) ? (JSON.stringify(value) ?? "null") : concatenated(value);
}

/** The slow path, built by string concatenation without intermediate arrays (they spent the time allocating). */
function concatenated(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ",";
      out += concatenated(value[index]);
    }
    return `${out}]`;
  }
  // The default sort compares UTF-16 code units, the same order as `<` on strings.
  const keys = Object.keys(value).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    if (!first) out += ",";
    first = false;
    out += `${JSON.stringify(key)}:${concatenated(item)}`;
  }
  return `${out}}`;
}

/** Deeper than this, the order check gives up and the concatenating path decides (it recurses the same way). */
const MAX_CHECKED_DEPTH = 512;

/**
 * True when `JSON.stringify(value)` is already the canonical text: only JSON values (no functions, symbols, bigints,
 * class instances or objects with `toJSON`), and every object's own keys in ascending code-unit order. `undefined`
 * is allowed where both serialisers agree on it (dropped as a member, `null` in an array), but not at the top.
 * Objects list integer-like keys first in numeric order, so `{"10":…,"9":…}` fails the check and is sorted the slow way.
 */
function inCanonicalOrder(value: unknown, depth: number): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return true;
    case "undefined":
      return depth > 0;
    case "object":
      break;
    default:
      return false;
  }
  if (depth >= MAX_CHECKED_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      if (!inCanonicalOrder(value[index], depth + 1)) return false;
    }
    return true;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  let previous: string | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false;
    if (previous !== undefined && !(previous < key)) return false;
    if (key === "toJSON") return false;
    previous = key;
    if (!inCanonicalOrder((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/**
 * A deep copy of a JSON value with every object's keys inserted in canonical order, so `canonicalJson` of it (and of
 * what `JSON.parse` makes of its `JSON.stringify`) takes the native path. Integer-like keys keep JavaScript's order.
 */
export function canonicalCopy<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => canonicalCopy(item)) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    // Defined, not assigned: `out["__proto__"] = x` would set the prototype (JSON.parse makes it an own member).
    Object.defineProperty(out, key, {
      value: canonicalCopy(item),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out as T;
}

/** `sha256:<hex>` of the canonical JSON of `value`. */
export function contentHash(value: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(value)).digest("hex")}`;
}
