/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * One raw-HTML block for a VitePress markdown page. VitePress compiles pages into Vue templates, so `{{` in a
 * template's own text would be read as a Vue interpolation: `v-pre` on the outer element turns that off. A blank
 * line would end markdown-it's HTML block and turn the rest into markdown, so newlines are written as `&#10;`
 * (browsers keep them inside `<pre>`, and they are plain whitespace anywhere else).
 */
export function htmlBlock(tag: string, attributes: Record<string, string>, innerHtml: string): string {
  const attributeText = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join("");
  return `<${tag} v-pre${attributeText}>${innerHtml.replaceAll("\n", "&#10;")}</${tag}>`;
}

/** A fenced code block whose fence is longer than any backtick run inside `code`, so no content can end it. */
export function fencedCode(language: string, code: string): string {
  const longestRun = Math.max(0, ...[...code.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${code.replace(/\n$/, "")}\n${fence}`;
}

/** An explicit heading anchor (`{#id}`): versions and example names would otherwise get VitePress's lossy slugs. */
export function anchorId(...parts: string[]): string {
  return parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
