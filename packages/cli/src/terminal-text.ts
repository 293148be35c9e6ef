import { escapeControl } from "@promptreg/core";

/**
 * Text for a person's terminal. Every character a terminal (or a CI log viewer) interprets instead of printing is
 * written as a visible `\uXXXX` escape by the registry's `escapeControl`, the same escaping the registry's own
 * messages use: C0 controls (newline, carriage return, ESC, ...), DEL, C1 controls (0x9b is a one-byte CSI), the
 * Unicode line and paragraph separators and the bidirectional formatting characters. So names, keys, file paths and
 * inputs from templates or callers can neither start a line of their own (forging a `path:line:col: error:` finding
 * or a message header) nor move the cursor, change colours or retitle the window.
 *
 * `block: true` keeps newlines and tabs, for text shown as a block (a rendered message, a model reply, JSON).
 * Every human output path of the CLI goes through this; `--json` output does not need it (JSON escapes controls).
 */
export function terminalText(text: string, options: { block?: boolean } = {}): string {
  if (!options.block) return escapeControl(text);
  return text
    .split(/([\n\t])/)
    .map((part, index) => (index % 2 === 1 ? part : escapeControl(part)))
    .join("");
}
