/**
 * Whether an `If-None-Match` header matches `etag` (RFC 9110 section 13.1.2: `*`, or any entity tag of the list by
 * weak comparison, so `W/"x"` matches `"x"`). Not Express's `req.fresh`: that is a cache's view and answers no
 * whenever the request says `Cache-Control: no-cache`, which every fetch() adds to a conditional request, while an
 * origin server evaluates the condition regardless.
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  const wanted = opaque(etag);
  // Entity tags cannot hold commas or quotes inside, so splitting on commas is exact for well-formed lists.
  return header.split(",").some((tag) => opaque(tag) === wanted);
}
