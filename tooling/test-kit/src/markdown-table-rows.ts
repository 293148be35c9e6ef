/**
 * The rows of the markdown tables in one section of a document (from the `## heading` line to the next heading of
 * the same or a higher level), each as its trimmed cells without the outer pipes. Header and `---` separator rows
 * are included: callers keep the rows they recognise, as the docs tests that compare a table with a code map do.
 */
export function markdownTableRows(markdown: string, heading: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start === -1) throw new Error(`no heading "${heading}" in the document`);
  const level = /^#+/.exec(heading)?.[0].length ?? 0;
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    const headingLevel = /^(#+) /.exec(line)?.[1]?.length;
    if (headingLevel !== undefined && headingLevel <= level) break;
    const trimmed = line.trim();
    if (!trimmed.startsWith("|")) continue;
    // An escaped pipe (\|) belongs to its cell.
    rows.push(
      trimmed
        .replace(/^\||(?<!\\)\|$/g, "")
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}
