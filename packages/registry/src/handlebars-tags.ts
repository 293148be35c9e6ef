/**
 * A small scanner for the `{{…}}` tags of a Handlebars source, for the registry (which must not depend on
 * Handlebars; the renderer owns it) and for checks the renderer runs before handing a source to Handlebars' parser.
 * It follows Handlebars' lexer where it matters: comments (`{{! … }}`, `{{!-- … --}}`), escaped mustaches
 * (`\{{…}}`, which stay text up to the next `{{`), raw blocks (`{{{{raw}}}} … {{{{/raw}}}}`) and string
 * literals inside a tag (which may contain `}}`). One pass, linear in the source.
 */

/** One live tag: not inside a comment, an escape or a raw block. */
export interface HandlebarsTag {
  /** Offset of the opening `{{`. */
  start: number;
  /** Offset just past the closing braces (the source's length when the tag is never closed). */
  end: number;
  /** `{{#…}}`, `{{^name}}`, `{{#> …}}` and `{{#*inline …}}` open a block; `{{/…}}` closes one. */
  opens: boolean;
  closes: boolean;
  /** `{{else …}}` with a helper after it (`{{else if x}}`): Handlebars nests a block there until the close. */
  chains: boolean;
  /** Deepest nesting of sub-expression parentheses inside the tag. */
  parenDepth: number;
  /** The partial a `{{> name}}` or `{{#> name}}` includes, when it is named literally (not `@partial-block`). */
  partial?: string;
  /** The name a `{{#*inline "name"}}` defines. */
  inline?: string;
}

const PARTIAL_NAME = /~?#?>\s*(?:"([^"]+)"|'([^']+)'|([^\s}~()"']+))/y;
const INLINE_NAME = /~?#\*inline\s+(?:"([^"]+)"|'([^']+)')/y;
const ELSE_CHAIN = /~?\s*else\s+[^\s~}]/y;
const INVERSE_ALONE = /~?\^\s*~?}}/y;

export function scanHandlebarsTags(source: string): HandlebarsTag[] {
  const tags: HandlebarsTag[] = [];
  const n = source.length;
  let at = source.indexOf("{{");
  while (at !== -1) {
    // `\{{` is an escaped mustache (text up to the next `{{`); `\\{{` is an escaped backslash before a live one.
    if (source[at - 1] === "\\" && source[at - 2] !== "\\") {
      at = source.indexOf("{{", at + 2);
      continue;
    }
    if (source.startsWith("{{{{", at)) {
      at = skipRawBlock(source, at);
      continue;
    }
    const head = source[at + 2] === "~" ? at + 3 : at + 2;
    if (source[head] === "!") {
      const long = source.startsWith("!--", head);
      const close = long ? source.indexOf("--", head + 3) : source.indexOf("}}", head);
      at = close === -1 ? -1 : source.indexOf("{{", long ? commentEnd(source, close) : close + 2);
      continue;
    }
    const triple = source[head] === "{";
    const { end, parenDepth } = tagEnd(source, head, triple);
    const tag: HandlebarsTag = {
      start: at,
      end,
      opens: false,
      closes: source[head] === "/",
      chains: false,
      parenDepth,
    };
    if (source[head] === "#") {
      tag.opens = true;
      INLINE_NAME.lastIndex = at + 2;
      const inline = INLINE_NAME.exec(source);
      if (inline) tag.inline = inline[1] ?? inline[2]!;
    } else if (source[head] === "^") {
      INVERSE_ALONE.lastIndex = at + 2;
      tag.opens = !INVERSE_ALONE.test(source);
    } else {
      ELSE_CHAIN.lastIndex = at + 2;
      tag.chains = ELSE_CHAIN.test(source);
    }
    if (source[head] === ">" || (source[head] === "#" && source[head + 1] === ">")) {
      PARTIAL_NAME.lastIndex = at + 2;
      const match = PARTIAL_NAME.exec(source);
      const name = match?.[1] ?? match?.[2] ?? match?.[3];
      if (name && !name.startsWith("@")) tag.partial = name;
    }
    tags.push(tag);
    at = end >= n ? -1 : source.indexOf("{{", end);
  }
  return tags;
}

/** Just past the `}}` that ends a long comment whose `--` is at `dashes` (`--}}` or `--~}}`), scanning on. */
function commentEnd(source: string, dashes: number): number {
  let at = dashes;
  while (at !== -1) {
    const after = source[at + 2] === "~" ? at + 3 : at + 2;
    if (source.startsWith("}}", after)) return after + 2;
    at = source.indexOf("--", at + 1);
  }
  return source.length;
}

/**
 * Finds the end of a tag whose content starts at `from`: the first `}}` (or `}}}` for a triple-stash) outside
 * string literals and `[…]` path segments, and the deepest parenthesis nesting on the way.
 */
function tagEnd(source: string, from: number, triple: boolean): { end: number; parenDepth: number } {
  let depth = 0;
  let parenDepth = 0;
  for (let i = from; i < source.length; i++) {
    const char = source[i];
    if (char === '"' || char === "'") {
      // Handlebars strings escape their quote with a backslash; nothing else is special inside them.
      for (i++; i < source.length && source[i] !== char; i++) if (source[i] === "\\") i++;
    } else if (char === "[") {
      for (i++; i < source.length && source[i] !== "]"; i++) if (source[i] === "\\") i++;
    } else if (char === "(") {
      depth++;
      if (depth > parenDepth) parenDepth = depth;
    } else if (char === ")") depth = Math.max(0, depth - 1);
    else if (char === "}" && source[i + 1] === "}") {
      return { end: triple && source[i + 2] === "}" ? i + 3 : i + 2, parenDepth };
    }
  }
  return { end: source.length, parenDepth };
}

/** Just past a raw block `{{{{name}}}} … {{{{/name}}}}` starting at `at` (nested raw blocks counted). */
function skipRawBlock(source: string, at: number): number {
  const open = source.indexOf("}}}}", at + 4);
  if (open === -1) return -1;
  let depth = 1;
  let next = source.indexOf("{{{{", open + 4);
  while (next !== -1) {
    if (source[next + 4] === "/") depth--;
    else depth++;
    const close = source.indexOf("}}}}", next + 4);
    if (close === -1) return -1;
    if (depth === 0) return source.indexOf("{{", close + 4);
    next = source.indexOf("{{{{", close + 4);
  }
  return -1;
}
