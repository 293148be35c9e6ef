import { createHash } from "node:crypto";

/** A strong entity tag for a representation: its SHA-256, base64url, quoted as RFC 9110 wants. */
export function strongEtag(content: string | Uint8Array): string {
  return `"sha256-${createHash("sha256").update(content).digest("base64url")}"`;
}

/**
 * Whether an `If-None-Match` header matches `etag` (RFC 9110 13.1.2: weak comparison, `*` matches any current
 * representation). A malformed header matches nothing, so the full answer is sent.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = header.trim();
  if (value === "*") return true;
  const opaque = (tag: string) => tag.replace(/^W\//, "");
  return value.split(",").some((candidate) => opaque(candidate.trim()) === opaque(etag));
}
