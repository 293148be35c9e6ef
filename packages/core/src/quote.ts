/**
 * Names from a template tree (YAML keys, directory and file names, example names) and from callers (references) end
 * up in problem messages and error messages, which tools print line by line. A name with a newline, an ESC byte or
 * a bidirectional override could forge a `path:line:col: error:` line or recolour a terminal, so every such name is
 * spliced through these helpers, never raw.
 */

// C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional formatting characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const toEscape = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** `text` with every control or bidi character written as a `\uXXXX` escape; printable text is unchanged. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, toEscape);
}

/** `text` as a JSON string literal (in double quotes), with control and bidi characters escaped. */
export function quote(text: string): string {
  return JSON.stringify(text).replace(UNSAFE, toEscape);
}
