/** A fenced code block of a markdown document, with its info-string attributes parsed. */
export interface FencedBlock {
  /** First word of the info string (`yaml`, `text`, `handlebars`), or "" when absent. */
  language: string;
  /** `key=value` pairs of the info string; values may be double-quoted to contain spaces. */
  attributes: Record<string, string>;
  /** Bare words of the info string after the language (e.g. `resolve`). */
  flags: string[];
  /** The block's content, ending with a newline (as it would be written to a file). */
  content: string;
  /** 1-based line of the opening fence in the document, for failure messages. */
  line: number;
}

const OPENING = /^(`{3,}|~{3,})(.*)$/;
const ATTRIBUTE = /([A-Za-z][\w-]*)=(?:"([^"]*)"|(\S+))|(\S+)/g;

/**
 * Extracts the fenced code blocks of a CommonMark document (top-level fences only; indented fences inside
 * lists are not used by our docs). A block closes at a fence of the same character at least as long.
 */
export function parseFencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split("\n");
  const blocks: FencedBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = OPENING.exec(lines[index]!);
    if (!open) continue;
    const fence = open[1]!;
    const info = open[2]!.trim();
    const language = info.split(/\s/, 1)[0] ?? "";
    const attributes: Record<string, string> = {};
    const flags: string[] = [];
    for (const match of info.slice(language.length).matchAll(ATTRIBUTE)) {
      if (match[4] !== undefined) flags.push(match[4]);
      else attributes[match[1]!] = match[2] ?? match[3]!;
    }
    const body: string[] = [];
    let end = index + 1;
    const isClosing = (line: string) =>
      line.startsWith(fence) && line.trim().replaceAll(fence[0]!, "") === "";
    while (end < lines.length && !isClosing(lines[end]!)) {
      body.push(lines[end]!);
      end++;
    }
    if (end >= lines.length) throw new Error(`Unclosed code fence opened at line ${index + 1}`);
    blocks.push({
      language,
      attributes,
      flags,
      content: body.length ? `${body.join("\n")}\n` : "",
      line: index + 1,
    });
    index = end;
  }
  return blocks;
}
