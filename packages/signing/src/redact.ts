/**
 * Shortens a secret-bearing value for logs and error messages: at most the first 8 characters followed by "…".
 * Values of 8 characters or fewer are fully masked, because showing all of a short value would show all of it.
 */
export function redact(value: string): string {
  if (value.length <= 8) return "…";
  return `${value.slice(0, 8)}…`;
}
