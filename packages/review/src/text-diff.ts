import { diffLines, diffWordsWithSpace } from "diff";

/** One run of a text diff. Joining the parts without the removed ones gives the new text, without the added ones the old. */
export interface DiffPart {
  kind: "same" | "added" | "removed";
  text: string;
}

/** Word-level diff (jsdiff) that keeps whitespace runs as tokens, so line breaks in prompts survive. */
export function wordDiff(before: string, after: string): DiffPart[] {
  return diffWordsWithSpace(before, after).map((change) => ({
    kind: change.added ? "added" : change.removed ? "removed" : "same",
    text: change.value,
  }));
}

/**
 * A unified-style line diff for a ```diff block: `+`/`-`/` ` prefixes, unchanged runs longer than `context` lines
 * on each side of a change folded into one `@@ n unchanged lines @@` line.
 */
export function lineDiffBlock(options: { before: string; after: string; context?: number }): string {
  const { before, after, context = 3 } = options;
  const lines: { mark: " " | "+" | "-"; text: string }[] = [];
  for (const change of diffLines(before, after)) {
    const mark = change.added ? "+" : change.removed ? "-" : " ";
    const texts = change.value.endsWith("\n")
      ? change.value.slice(0, -1).split("\n")
      : change.value.split("\n");
    for (const text of texts) lines.push({ mark, text });
  }
  const near = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.mark === " ") return;
    for (let at = Math.max(0, index - context); at <= Math.min(lines.length - 1, index + context); at++)
      near[at] = true;
  });
  const out: string[] = [];
  let folded = 0;
  const flush = () => {
    if (folded > 0) out.push(`@@ ${folded} unchanged line${folded === 1 ? "" : "s"} @@`);
    folded = 0;
  };
  lines.forEach((line, index) => {
    if (!near[index]) {
      folded++;
      return;
    }
    flush();
    out.push(`${line.mark}${line.text}`);
  });
  flush();
  return out.join("\n");
}
