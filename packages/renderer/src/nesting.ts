import { scanHandlebarsTags } from "@promptreg/registry";
import { BUDGETS } from "./budgets.js";
import { partialName, position } from "./template-checks.js";

/** 1-based position and nesting depth of the first tag over the budget. */
export interface NestingOverflow {
  line: number;
  column: number;
  depth: number;
}

/**
 * Where a Handlebars source first nests deeper than BUDGETS.maxTemplateNesting, found without parsing it:
 * Handlebars' parser is recursive and slow on deep nesting (8,000 nested `{{#if}}` ran for minutes and then
 * overflowed the stack), so this runs first. A tag's depth is the number of blocks around it, itself included,
 * plus its sub-expression nesting; `{{else if}}` counts as the block Handlebars nests there.
 */
export function nestingOverflow(source: string): NestingOverflow | undefined {
  let depth = 0;
  // Per open block, the `{{else if}}` blocks chained onto it (all closed by its `{{/…}}`).
  const chained: number[] = [];
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  for (const tag of scanHandlebarsTags(source)) {
    let level: number;
    if (tag.opens) {
      depth++;
      chained.push(0);
      level = depth;
    } else if (tag.chains) {
      depth++;
      if (chained.length > 0) chained[chained.length - 1]!++;
      level = depth;
    } else if (tag.closes) {
      level = depth;
      depth = Math.max(0, depth - 1 - (chained.pop() ?? 0));
    } else level = depth + 1;
    if (level + tag.parenDepth > BUDGETS.maxTemplateNesting) {
      for (; scanned < tag.start; scanned++) {
        if (source.charCodeAt(scanned) === 10) {
          line++;
          lineStart = scanned + 1;
        }
      }
      return { line, column: tag.start - lineStart + 1, depth: level + tag.parenDepth };
    }
  }
  return undefined;
}

/** A partial's nesting depth counted through the partials it includes, and the chain of names to the deepest. */
export interface PartialDepth {
  depth: number;
  path: string[];
}

/** The deepest point of a template counted through its partials, with the top-level statement leading there. */
export interface TemplateDepth extends PartialDepth {
  at: { line: number; column: number };
}

type Node = hbs.AST.Node & {
  program?: hbs.AST.Program;
  inverse?: hbs.AST.Program;
  params?: hbs.AST.Expression[];
  hash?: hbs.AST.Hash;
};

/**
 * The nesting depth of a parsed template counted through partials (registry partials' depths come from
 * `partialDepth`, inline partials are measured here): what the Handlebars runtime will recurse through, so
 * BUDGETS.maxTemplateNesting bounds the call stack of a render. Cycles are refused elsewhere; here a partial met
 * again while it is being measured counts as 0.
 */
export function templateDepth(
  ast: hbs.AST.Program,
  partialDepth: (name: string) => PartialDepth | undefined,
): TemplateDepth {
  const inline = new Map<string, hbs.AST.Program>();
  const collect = (program: hbs.AST.Program | undefined) => {
    for (const statement of program?.body ?? []) {
      const node = statement as Node;
      if (node.type === "DecoratorBlock") {
        const first = node.params?.[0];
        if (first?.type === "StringLiteral" && node.program) {
          const name = (first as hbs.AST.StringLiteral).value;
          if (!inline.has(name)) inline.set(name, node.program);
        }
      }
      collect(node.program);
      collect(node.inverse);
    }
  };
  collect(ast);
  const inlineDepths = new Map<string, PartialDepth | "measuring">();
  const measureInline = (name: string): PartialDepth => {
    const known = inlineDepths.get(name);
    if (known === "measuring") return { depth: 0, path: [] };
    if (known) return known;
    inlineDepths.set(name, "measuring");
    const inner = programDepth(inline.get(name)!);
    const measured = { depth: inner.depth, path: inner.path };
    inlineDepths.set(name, measured);
    return measured;
  };
  const expressionDepth = (expression: hbs.AST.Node | undefined): number => {
    if (expression?.type !== "SubExpression") return 0;
    const sub = expression as hbs.AST.SubExpression;
    let deepest = 0;
    for (const param of sub.params) deepest = Math.max(deepest, expressionDepth(param));
    for (const pair of sub.hash?.pairs ?? []) deepest = Math.max(deepest, expressionDepth(pair.value));
    return 1 + deepest;
  };
  const argumentsDepth = (node: Node): number => {
    let deepest = 0;
    for (const param of node.params ?? []) deepest = Math.max(deepest, expressionDepth(param));
    for (const pair of node.hash?.pairs ?? []) deepest = Math.max(deepest, expressionDepth(pair.value));
    return deepest;
  };
  /** Depth below a program (its statements are at depth 1), the chain of partials, and the statement leading there. */
  function programDepth(program: hbs.AST.Program | undefined): PartialDepth & { node?: hbs.AST.Node } {
    let best: PartialDepth & { node?: hbs.AST.Node } = { depth: 0, path: [] };
    for (const statement of program?.body ?? []) {
      const node = statement as Node;
      let here: PartialDepth;
      switch (node.type) {
        case "MustacheStatement":
          here = { depth: 1 + argumentsDepth(node), path: [] };
          break;
        case "BlockStatement":
        case "DecoratorBlock": {
          const body = programDepth(node.program);
          const inverse = programDepth(node.inverse);
          const inner = inverse.depth > body.depth ? inverse : body;
          here = { depth: 1 + Math.max(inner.depth, argumentsDepth(node)), path: inner.path };
          break;
        }
        case "PartialStatement":
        case "PartialBlockStatement": {
          const name = partialName(node as hbs.AST.PartialStatement);
          const included =
            name === undefined || name === "@partial-block"
              ? undefined
              : inline.has(name)
                ? measureInline(name)
                : partialDepth(name);
          const block = programDepth(node.program);
          here = {
            depth: 1 + (included?.depth ?? 0) + block.depth,
            path: included && name !== undefined ? [name, ...included.path] : block.path,
          };
          break;
        }
        default:
          continue;
      }
      if (here.depth > best.depth) best = { ...here, node };
    }
    return best;
  }
  const deepest = programDepth(ast);
  return {
    depth: deepest.depth,
    path: deepest.path,
    at: deepest.node ? position(deepest.node) : { line: 1, column: 1 },
  };
}
