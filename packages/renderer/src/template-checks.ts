import { findPartialCycles } from "@promptreg/registry";
import type { HelperArity } from "./environment.js";
import type { LintCode } from "./lint-codes.js";

/** Members of Object.prototype (and `prototype`): never readable from a template, whatever the data holds. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  "prototype",
]);

/** The lint codes a static check of one template source can find (a subset of LINT_CODES). */
export type CheckKind = Extract<
  LintCode,
  | "unknown_helper"
  | "helper_arity"
  | "forbidden_property"
  | "missing_partial"
  | "dynamic_partial"
  | "unsupported_decorator"
  | "partial_cycle"
  | "shadowed_partial"
>;

/** A problem found statically in one template source; `line` and `column` are 1-based. */
export interface CheckFinding {
  kind: CheckKind;
  /** The helper, property or partial name concerned. */
  name: string;
  line: number;
  column: number;
  detail: string;
  hint: string;
}

export interface CheckContext {
  helpers: HelperArity;
  hasPartial(name: string): boolean;
}

type CallNode = hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression;

export function position(node: hbs.AST.Node): { line: number; column: number } {
  return { line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1 };
}

/** `this.x`, `./x` and `../x` are never helper calls. */
export function isScoped(path: hbs.AST.PathExpression): boolean {
  return /^(\.\.?\/|this\.|this\/)/.test(path.original) || path.original === "this" || path.original === ".";
}

/** How Handlebars (with knownHelpersOnly) reads a mustache, block or sub-expression. */
export function classifyCall(
  node: CallNode,
  helpers: HelperArity,
): { kind: "helper"; name: string } | { kind: "unknown_helper"; name: string } | { kind: "value" } {
  if (node.path.type !== "PathExpression") return { kind: "value" };
  const path = node.path as hbs.AST.PathExpression;
  const hasArguments = node.type === "SubExpression" || node.params.length > 0 || node.hash !== undefined;
  const name = path.parts[0] ?? "";
  const simple = path.parts.length === 1 && !path.data && path.depth === 0 && !isScoped(path);
  if (hasArguments)
    return helpers.has(name) && simple
      ? { kind: "helper", name }
      : { kind: "unknown_helper", name: path.original };
  if (simple && helpers.has(name)) return { kind: "helper", name };
  return { kind: "value" };
}

/** Collects the names of inline partials (`{{#*inline "name"}}`) a template defines for itself. */
function inlinePartials(program: hbs.AST.Program, into: Set<string>): void {
  for (const definition of inlineDefinitions(program)) into.add(definition.name);
}

interface InlineDefinition {
  name: string;
  node: hbs.AST.Node;
  body: hbs.AST.Program;
}

/** Every `{{#*inline "name"}}…{{/inline}}` of a template, in source order. */
function inlineDefinitions(program: hbs.AST.Program): InlineDefinition[] {
  const found: InlineDefinition[] = [];
  const visit = (current: hbs.AST.Program | undefined) => {
    for (const statement of current?.body ?? []) {
      const node = statement as hbs.AST.Node & { program?: hbs.AST.Program; inverse?: hbs.AST.Program };
      if (node.type === "DecoratorBlock") {
        const block = statement as unknown as hbs.AST.BlockStatement;
        const first = block.params[0];
        if (first?.type === "StringLiteral") {
          found.push({ name: (first as hbs.AST.StringLiteral).value, node, body: block.program });
        }
      }
      visit(node.program);
      visit(node.inverse);
    }
  };
  visit(program);
  return found;
}

/** The partial statements of a program (not inside inline definitions nested in it, which are their own). */
function partialStatements(program: hbs.AST.Program | undefined, into: hbs.AST.PartialStatement[] = []) {
  for (const statement of program?.body ?? []) {
    const node = statement as hbs.AST.Node & { program?: hbs.AST.Program; inverse?: hbs.AST.Program };
    if (node.type === "DecoratorBlock") continue;
    if (node.type === "PartialStatement" || node.type === "PartialBlockStatement") {
      into.push(statement as hbs.AST.PartialStatement);
    }
    partialStatements(node.program, into);
    partialStatements(node.inverse, into);
  }
  return into;
}

/**
 * Inline partials that replace a registry partial (a template could silently swap out a shared safety partial),
 * and inline partials that include each other in a cycle (Handlebars would recurse until the stack overflows).
 * Each cycle is reported once, at its reference that comes first in the source.
 */
function inlineFindings(program: hbs.AST.Program, context: CheckContext): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const definitions = inlineDefinitions(program);
  const names = new Set(definitions.map((definition) => definition.name));
  const graph = new Map<string, string[]>();
  const references = new Map<string, hbs.AST.Node>();
  for (const { name, node, body } of definitions) {
    if (context.hasPartial(name)) {
      findings.push({
        kind: "shadowed_partial",
        name,
        ...position(node),
        detail: `inline partial "${name}" has the name of a registry partial and would replace it`,
        hint: "Give the inline partial its own name: an inline partial may not replace a shared partial (a safety partial, say).",
      });
    }
    const edges = graph.get(name) ?? [];
    for (const statement of partialStatements(body)) {
      const target = partialName(statement);
      if (target === undefined || !names.has(target)) continue;
      edges.push(target);
      const key = `${name}\u0000${target}`;
      if (!references.has(key)) references.set(key, statement);
    }
    graph.set(name, edges);
  }
  for (const cycle of findPartialCycles(graph)) {
    const edges = cycle.map((from, i) => {
      const to = cycle[(i + 1) % cycle.length]!;
      return { index: i, node: references.get(`${from}\u0000${to}`)! };
    });
    const first = edges.reduce((a, b) => (compare(position(b.node), position(a.node)) < 0 ? b : a));
    const path = [...cycle.slice(first.index), ...cycle.slice(0, first.index)];
    findings.push({
      kind: "partial_cycle",
      name: path[0]!,
      ...position(first.node),
      detail: `inline partials include each other in a cycle: ${[...path, path[0]].join(" -> ")}`,
      hint: "Break the cycle; a partial cannot include itself, directly or indirectly.",
    });
  }
  return findings;
}

function compare(a: { line: number; column: number }, b: { line: number; column: number }): number {
  return a.line - b.line || a.column - b.column;
}

/**
 * Static checks every template (message or partial) must pass before it is compiled: helpers exist and get
 * the right number of arguments, no prototype member is read, partials exist and are named literally, and
 * no decorator other than `*inline` is used. The same findings feed lints and compile errors.
 */
export function checkTemplate(ast: hbs.AST.Program, context: CheckContext): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const inline = new Set<string>();
  inlinePartials(ast, inline);

  const visitPath = (path: hbs.AST.PathExpression) => {
    for (const part of path.parts) {
      if (FORBIDDEN_SEGMENTS.has(part)) {
        findings.push({
          kind: "forbidden_property",
          name: part,
          ...position(path),
          detail: `"${path.original}" reads "${part}", a JavaScript prototype member`,
          hint: "Templates may only read input data; rename the input field if it is really called that.",
        });
      }
    }
  };
  const visitExpression = (node: hbs.AST.Expression) => {
    if (node.type === "PathExpression") visitPath(node as hbs.AST.PathExpression);
    else if (node.type === "SubExpression") visitCall(node as hbs.AST.SubExpression);
  };
  const visitArguments = (node: { params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }) => {
    for (const param of node.params) visitExpression(param);
    for (const pair of node.hash?.pairs ?? []) visitExpression(pair.value);
  };
  const visitCall = (node: CallNode) => {
    const call = classifyCall(node, context.helpers);
    if (node.path.type === "PathExpression") visitPath(node.path as hbs.AST.PathExpression);
    if (call.kind === "unknown_helper") {
      const known = [...context.helpers.keys()];
      findings.push({
        kind: "unknown_helper",
        name: call.name,
        ...position(node),
        detail: `unknown helper "${call.name}"`,
        hint: `Known helpers: ${known.join(", ")}. Register custom helpers with createRenderer({ helpers }).`,
      });
    } else if (call.kind === "helper") {
      const arity = context.helpers.get(call.name)!;
      const count = node.params.length;
      if (count < arity.minArgs || count > arity.maxArgs) {
        const expected =
          arity.minArgs === arity.maxArgs
            ? `${arity.minArgs}`
            : arity.maxArgs === Number.POSITIVE_INFINITY
              ? `at least ${arity.minArgs}`
              : `${arity.minArgs} to ${arity.maxArgs}`;
        findings.push({
          kind: "helper_arity",
          name: call.name,
          ...position(node),
          detail: `helper "${call.name}" takes ${expected} argument${expected === "1" ? "" : "s"}, got ${count}`,
          hint:
            count === 0
              ? `To print an input field named "${call.name}", write {{this.${call.name}}}.`
              : "See docs/renderer.md for each helper's arguments.",
        });
      }
    }
    visitArguments(node);
  };
  const visitProgram = (program: hbs.AST.Program | undefined) => {
    for (const statement of program?.body ?? []) visitStatement(statement);
  };
  const visitStatement = (statement: hbs.AST.Statement) => {
    switch (statement.type) {
      case "MustacheStatement":
        visitCall(statement as hbs.AST.MustacheStatement);
        return;
      case "BlockStatement": {
        const block = statement as hbs.AST.BlockStatement;
        visitCall(block);
        visitProgram(block.program);
        visitProgram(block.inverse);
        return;
      }
      case "PartialStatement":
      case "PartialBlockStatement": {
        const partial = statement as hbs.AST.PartialStatement & { program?: hbs.AST.Program };
        visitPartialName(partial);
        visitArguments(partial);
        visitProgram(partial.program);
        return;
      }
      case "DecoratorBlock":
      case "Decorator": {
        const decorator = statement as unknown as hbs.AST.BlockStatement;
        const name = (decorator.path as hbs.AST.PathExpression).original;
        const literalName = decorator.params[0]?.type === "StringLiteral";
        if (statement.type !== "DecoratorBlock" || name !== "inline" || !literalName) {
          findings.push({
            kind: "unsupported_decorator",
            name,
            ...position(statement),
            detail: `decorator "*${name}" is not supported`,
            hint: 'Only {{#*inline "name"}}…{{/inline}} is allowed; use a partial file under templates/_partials/ instead.',
          });
        }
        visitProgram(decorator.program);
        return;
      }
      default:
        return;
    }
  };
  const visitPartialName = (partial: hbs.AST.PartialStatement) => {
    const name = partialName(partial);
    if (name === undefined) {
      findings.push({
        kind: "dynamic_partial",
        name: "",
        ...position(partial),
        detail: "partial names must be written literally ({{> support/tone}})",
        hint: "Dynamic partials ({{> (expr)}}) cannot be checked or cached; use {{#if}} to choose between literal partials.",
      });
      return;
    }
    if (name === "@partial-block" || inline.has(name) || context.hasPartial(name)) return;
    findings.push({
      kind: "missing_partial",
      name,
      ...position(partial),
      detail: `partial "${name}" does not exist`,
      hint: `Create templates/_partials/${name}.hbs, or fix the name.`,
    });
  };

  visitProgram(ast);
  findings.push(...inlineFindings(ast, context));
  return findings;
}

/** The literal name of a partial statement, or undefined for a dynamic `{{> (expr)}}`. */
export function partialName(partial: hbs.AST.PartialStatement): string | undefined {
  const name = partial.name as hbs.AST.Node;
  if (name.type === "PathExpression") return (name as hbs.AST.PathExpression).original;
  if (name.type === "StringLiteral") return (name as hbs.AST.StringLiteral).value;
  return undefined;
}

/** Names of registry partials a template uses directly (inline partials and `@partial-block` excluded). */
export function usedPartials(ast: hbs.AST.Program): string[] {
  const inline = new Set<string>();
  inlinePartials(ast, inline);
  const found = new Set<string>();
  const visit = (program: hbs.AST.Program | undefined) => {
    for (const statement of program?.body ?? []) {
      const node = statement as hbs.AST.Node & { program?: hbs.AST.Program; inverse?: hbs.AST.Program };
      if (node.type === "PartialStatement" || node.type === "PartialBlockStatement") {
        const name = partialName(statement as hbs.AST.PartialStatement);
        if (name !== undefined && name !== "@partial-block" && !inline.has(name)) found.add(name);
      }
      visit(node.program);
      visit(node.inverse);
    }
  };
  visit(ast);
  return [...found];
}
