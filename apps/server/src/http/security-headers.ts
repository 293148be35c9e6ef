import type { ServerResponse } from "node:http";

/**
 * The security headers of every response: the set OWASP's REST Security Cheat Sheet recommends for a JSON API, fixed
 * at start and set by one function, instead of helmet's 13 middleware layers (most of its headers only govern HTML
 * pages, which this service never serves: CSP script and style sources, X-DNS-Prefetch-Control, X-Download-Options,
 * Origin-Agent-Cluster, X-XSS-Protection...). Routes that answer something cacheable set their own Cache-Control.
 */
export const SECURITY_HEADERS: ReadonlyArray<readonly [name: string, value: string]> = Object.freeze([
  // Browsers must not guess a type other than the declared JSON or event stream.
  ["X-Content-Type-Options", "nosniff"],
  // Nothing in an answer may load anything, and no page may frame one (X-Frame-Options for older browsers).
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
  ["X-Frame-Options", "DENY"],
  // Once reached over TLS (behind the ingress), only ever over TLS.
  ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
  // Other sites' pages cannot embed an answer (no-cors reads), and links out carry no Referer.
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Referrer-Policy", "no-referrer"],
]);

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
}
