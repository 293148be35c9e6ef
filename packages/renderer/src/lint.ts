import { closestMatch, escapeControl } from "@promptreg/core";
import type { JsonSchema, Problem, Registry, SourcePosition, TemplateVersion } from "@promptreg/registry";
import Handlebars from "handlebars";
import { BUDGETS } from "./budgets.js";
import { type CustomHelper, type HelperArity, helperArity } from "./environment.js";
import { nonScalarHint } from "./errors/non-scalar-value-error.js";
import { TemplateCompileError } from "./errors/template-compile-error.js";
import { UnknownHelperError } from "./errors/unknown-helper-error.js";
import { LINT_CODES, type LintCode } from "./lint-codes.js";
import { nestingOverflow, type PartialDepth, templateDepth } from "./nesting.js";
import { createRenderer, describeParseError } from "./renderer.js";
import {
  INTEGER_SCHEMA,
  isArraySchema,
  itemsOf,
  nonScalarKind,
  propertyNames,
  propertyOf,
} from "./schema-scope.js";
import { checkTemplate, classifyCall, FORBIDDEN_SEGMENTS, partialName, position } from "./template-checks.js";

export interface LintOptions {
  /** Names of custom helpers the renderer is created with, so calls to them are not reported. */
  helpers?: Iterable<string>;
}

export interface LintRegistryOptions {
  /** The custom helpers the renderer is created with (or just their names); examples render with them. */
  helpers?: Readonly<Record<string, CustomHelper>> | Iterable<string>;
}

/** One context a template reads from: `#each` and `#with` open a new one; `#if` does not. */
interface Frame {
  schema: JsonSchema | undefined;
  /** The frame is the template input itself, so reads mark input properties as used. */
  isRoot: boolean;
  /** Inside `#each`: `@index`, `@key`, `@first`, `@last` exist. */
  iterating: boolean;
  /** Block parameters (`as |item i|`) and partial hash arguments visible from here. */
  names: Map<string, JsonSchema | undefined>;
}

interface Walk {
  version: TemplateVersion;
  messageIndex: number;
  /** Partial being walked, if any. */
  partial?: string;
  /** Inside a partial: where the message includes the outermost partial (its problems point there in the file). */
  includedAt?: { line: number; column: number };
  partialStack: string[];
  /** Inline partials being walked, so one that includes itself is not walked forever (checkTemplate reports it). */
  inlineStack: string[];
  partials: ReadonlyMap<string, string>;
  parsedPartials: Map<string, ParsedPartial>;
  inline: Map<string, hbs.AST.Program>;
  helpers: HelperArity;
  problems: Problem[];
  used: Set<string>;
  /** Set when the whole input is read (`{{json this}}`): nothing is unused. */
  usesEverything: { value: boolean };
  seen: Set<string>;
  /**
   * Partials (registry and inline) already walked in this message, by name and context: walking one again in the
   * same context finds nothing new (problems are reported once per message anyway), so the linter does work
   * linear in the partials times the distinct contexts they are included in, not in the paths to them (2^N for a
   * chain of partials that each include the next one twice).
   */
  walked: Set<string>;
  /** Per program (partial or inline body), how far below its context it reads: see reachOf. */
  reaches: WeakMap<hbs.AST.Program, number>;
  /** Inline partials each registry partial's source defines. */
  inlineScopes: WeakMap<hbs.AST.Program, Map<string, hbs.AST.Program>>;
  ids: ObjectIds;
  work: { visits: number };
}

/** Small stable numbers for objects (schemas, scopes of inline partials), to build memo keys from identity. */
class ObjectIds {
  private readonly ids = new WeakMap<object, number>();
  private next = 1;
  of(value: object | undefined): number {
    if (value === undefined) return 0;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(value, id);
    }
    return id;
  }
}

const DATA_VARIABLES = new Set(["index", "key", "first", "last"]);

/** The schema of `#each`'s second block parameter, one object so contexts that hold it compare equal. */
const INDEX_SCHEMA: JsonSchema = Object.freeze({ type: ["integer", "string"] });

/**
 * What a partial's walk depends on in its caller: the frames it can read (its own context and `reach` frames below
 * it, for `../`), the input frame (`@root`), and the names visible from there (block parameters, hash arguments).
 * Frames further down cannot change what it finds, so they are left out: otherwise contexts that differ only
 * there (a chain that passes `@root` or `@root.customer` on, 2^N stacks) would each be walked again.
 */
function contextKey(walk: Walk, frames: Frame[], reach: number): string {
  const frame = (f: Frame) => `${walk.ids.of(f.schema)}:${f.isRoot ? 1 : 0}${f.iterating ? 1 : 0}`;
  const from = Number.isFinite(reach) ? Math.max(0, frames.length - 1 - reach) : 0;
  const visible = new Set<string>();
  const names: string[] = [];
  for (let i = frames.length - 1; i >= 0; i--) {
    for (const [name, schema] of frames[i]!.names) {
      if (visible.has(name)) continue;
      visible.add(name);
      names.push(`${name}=${walk.ids.of(schema)}`);
    }
  }
  return `${from === 0 ? "" : `${frame(frames[0]!)}|`}${frames.slice(from).map(frame).join("/")}|${names.join(",")}`;
}

/**
 * How many frames below its own context a program can read (the deepest `../`), counted through the partials it
 * includes (one less through a partial given a context argument, which pushes a frame); an over-estimate is
 * safe. Infinite inside a cycle of partials (reported elsewhere).
 */
function reachOf(walk: Walk, program: hbs.AST.Program, inline: ReadonlyMap<string, hbs.AST.Program>): number {
  const known = walk.reaches.get(program);
  if (known !== undefined) return known;
  walk.reaches.set(program, Number.POSITIVE_INFINITY);
  let reach = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const current = node as hbs.AST.Node & { depth?: number };
    if (current.type === "PathExpression") reach = Math.max(reach, current.depth ?? 0);
    if (current.type === "PartialStatement" || current.type === "PartialBlockStatement") {
      const statement = node as hbs.AST.PartialStatement;
      const name = partialName(statement);
      const included = name === undefined ? undefined : includedProgram(walk, name, inline);
      if (included) {
        const pushed = statement.params.length > 0 ? 1 : 0;
        reach = Math.max(reach, reachOf(walk, included.program, included.inline) - pushed);
      }
    }
    for (const [key, value] of Object.entries(node)) if (key !== "loc") visit(value);
  };
  visit(program);
  walk.reaches.set(program, reach);
  return reach;
}

/** The program `{{> name}}` includes from a source whose inline partials are `inline`, and the scope it runs in. */
function includedProgram(
  walk: Walk,
  name: string,
  inline: ReadonlyMap<string, hbs.AST.Program>,
): { program: hbs.AST.Program; inline: ReadonlyMap<string, hbs.AST.Program> } | undefined {
  const own = inline.get(name);
  if (own) return { program: own, inline };
  const ast = parsedPartial(walk, name);
  if (ast === undefined || !isProgram(ast)) return undefined;
  let scope = walk.inlineScopes.get(ast);
  if (scope === undefined) {
    scope = new Map();
    collectInline(ast, scope);
    walk.inlineScopes.set(ast, scope);
  }
  return { program: ast, inline: scope };
}

/** A registry partial's AST (parsed once per lint), or undefined when there is no such partial. */
function parsedPartial(
  walk: Pick<Walk, "partials" | "parsedPartials">,
  name: string,
): ParsedPartial | undefined {
  let ast = walk.parsedPartials.get(name);
  if (ast === undefined) {
    const source = walk.partials.get(name);
    if (source === undefined) return undefined;
    ast = parseChecked(source);
    walk.parsedPartials.set(name, ast);
  }
  return ast;
}

/** A partial's AST, or why it has none (reported once per template where it is included). */
type ParsedPartial = hbs.AST.Program | { code: LintCode; line: number; column: number; detail: string };

/** Parses a template source unless it nests too deep to hand to Handlebars' (recursive, slow) parser. */
function parseChecked(source: string): ParsedPartial {
  const deep = nestingOverflow(source);
  if (deep) {
    return {
      code: LINT_CODES.NESTING_TOO_DEEP,
      line: deep.line,
      column: deep.column,
      detail: `blocks and sub-expressions nest ${deep.depth} levels deep here, over the budget of ${BUDGETS.maxTemplateNesting}. Flatten the template (see "Budgets" in docs/renderer.md)`,
    };
  }
  try {
    return Handlebars.parse(source);
  } catch (error) {
    return { code: LINT_CODES.TEMPLATE_SYNTAX, ...describeParseError(error), detail: syntaxDetail(error) };
  }
}

function isProgram(parsed: ParsedPartial): parsed is hbs.AST.Program {
  return (parsed as hbs.AST.Program).type === "Program";
}

/**
 * Lints one template version: Handlebars syntax, unknown helpers and wrong helper arity, prototype reads,
 * missing or dynamic partials and partial cycles, variables used in messages (and the partials they include)
 * but absent from the input schema, `@index`-style variables outside `#each`, and input properties no
 * message uses (warning). File is `version.source.path`; line and column point into that file through
 * `version.sourceMap` (exact inside `|` block literals, the value's start otherwise, 1:1 without a source map),
 * and the message text names the position inside the message as well.
 */
export function lintTemplate(
  version: TemplateVersion,
  partials: ReadonlyMap<string, string>,
  options: LintOptions = {},
): Problem[] {
  return lintTemplateCounted(version, partials, options).problems;
}

/** `lintTemplate`, with the number of template statements it visited (tests count work with it, never time). */
export function lintTemplateCounted(
  version: TemplateVersion,
  partials: ReadonlyMap<string, string>,
  options: LintOptions = {},
): { problems: Problem[]; visits: number } {
  const work = { visits: 0 };
  const ids = new ObjectIds();
  const reaches = new WeakMap<hbs.AST.Program, number>();
  const inlineScopes = new WeakMap<hbs.AST.Program, Map<string, hbs.AST.Program>>();
  const helpers = helperArity(options.helpers);
  const problems: Problem[] = [];
  const used = new Set<string>();
  const usesEverything = { value: false };
  const parsedPartials = new Map<string, ParsedPartial>();
  const parsePartial = (name: string) => parsedPartial({ partials, parsedPartials }, name);
  // Depth of each partial counted through the partials it includes (for the nesting budget), measured once.
  const partialDepths = new Map<string, PartialDepth | "measuring">();
  const measuring: string[] = [];
  const partialDepth = (name: string): PartialDepth | undefined => {
    const known = partialDepths.get(name);
    if (known === "measuring") return { depth: 0, path: [] };
    if (known) return known;
    // A chain longer than the budget is over it whatever the partials hold; stopping also bounds this recursion.
    if (measuring.length >= BUDGETS.maxTemplateNesting)
      return { depth: BUDGETS.maxTemplateNesting + 1, path: [name] };
    const parsed = parsePartial(name);
    if (parsed === undefined || !isProgram(parsed)) return undefined;
    partialDepths.set(name, "measuring");
    measuring.push(name);
    const { depth, path } = templateDepth(parsed, partialDepth);
    measuring.pop();
    const measured = { depth, path };
    partialDepths.set(name, measured);
    return measured;
  };
  let allParsed = true;

  version.messages.forEach((message, messageIndex) => {
    const walk: Walk = {
      version,
      messageIndex,
      partialStack: [],
      inlineStack: [],
      partials,
      parsedPartials,
      inline: new Map(),
      helpers,
      problems,
      used,
      usesEverything,
      seen: new Set(),
      walked: new Set(),
      reaches,
      inlineScopes,
      ids,
      work,
    };
    const ast = parseChecked(message.content);
    if (!isProgram(ast)) {
      allParsed = false;
      report(walk, ast, ast.code, ast.detail, "error");
      return;
    }
    walkTemplate(walk, ast, [
      { schema: version.inputSchema, isRoot: true, iterating: false, names: new Map() },
    ]);
    const deepest = templateDepth(ast, partialDepth);
    if (deepest.depth > BUDGETS.maxTemplateNesting) {
      report(
        walk,
        deepest.at,
        LINT_CODES.NESTING_TOO_DEEP,
        `counting the partials it includes (${deepest.path.join(" -> ")}), this nests ${deepest.depth} levels deep, over the budget of ${BUDGETS.maxTemplateNesting}. Flatten the template (see "Budgets" in docs/renderer.md)`,
        "error",
      );
    }
  });

  if (allParsed && !usesEverything.value) {
    for (const name of propertyNames(version.inputSchema)) {
      if (used.has(name)) continue;
      problems.push({
        file: version.source.path,
        ...(version.sourceMap?.inputProperties[name] ?? UNKNOWN_POSITION),
        code: LINT_CODES.UNUSED_INPUT,
        severity: "warning",
        message: escapeControl(
          `${version.id}@${version.version}: input property "${name}" is declared but no message uses it. Use it in a message or remove it from the input schema.`,
        ),
      });
    }
  }
  return { problems, visits: work.visits };
}

/**
 * Lints every version of a registry (see `lintTemplate`), then renders every example of every version that
 * compiled: an example that fails (input invalid, a variable missing at render time) is an `example_failed`
 * error. Template compile problems are not repeated there; the lints above already name them.
 */
export function lintRegistry(
  registry: Pick<Registry, "templates" | "partials" | "resolve">,
  options: LintRegistryOptions = {},
): Problem[] {
  const helperNames = helperNamesOf(options.helpers);
  const problems: Problem[] = [];
  const renderer = createRenderer({
    registry,
    ...(isHelperRecord(options.helpers) ? { helpers: options.helpers } : {}),
  });
  for (const version of registry.templates()) {
    problems.push(...lintTemplate(version, registry.partials, { helpers: helperNames }));
    for (const [index, example] of version.examples.entries()) {
      try {
        renderer.renderVersion(version, example.input);
      } catch (error) {
        if (TemplateCompileError.isInstance(error) || UnknownHelperError.isInstance(error)) break;
        problems.push({
          file: version.source.path,
          ...(version.sourceMap?.examples[index] ?? UNKNOWN_POSITION),
          code: LINT_CODES.EXAMPLE_FAILED,
          severity: "error",
          // One line: the render error's own layout (an input error lists issues on lines) is flattened.
          message: escapeControl(
            `example "${example.name}" does not render: ${(error instanceof Error ? error.message : String(error)).replace(/\n\s*/g, " ")}`,
          ),
        });
      }
    }
  }
  return problems;
}

function isHelperRecord(value: unknown): value is Readonly<Record<string, CustomHelper>> {
  return value !== undefined && value !== null && typeof value === "object" && !(Symbol.iterator in value);
}

function helperNamesOf(helpers: LintRegistryOptions["helpers"]): string[] {
  if (helpers === undefined) return [];
  return isHelperRecord(helpers) ? Object.keys(helpers) : [...helpers];
}

function syntaxDetail(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  return `invalid Handlebars: ${raw.replace(/\s+/g, " ")}`;
}

/** Versions rebuilt from a bundle carry no source positions. */
const UNKNOWN_POSITION: SourcePosition = Object.freeze({ line: 1, column: 1 });

/**
 * Maps a position inside message `messageIndex`'s Handlebars text to the YAML file: in a `|` block literal the
 * text sits line for line from the recorded start; in any other scalar only the value's start is known.
 */
function filePosition(version: TemplateVersion, messageIndex: number, at: SourcePosition): SourcePosition {
  const start = version.sourceMap?.messages[messageIndex];
  if (!start) return UNKNOWN_POSITION;
  if (!start.verbatim) return { line: start.line, column: start.column };
  return { line: start.line + at.line - 1, column: start.column + at.column - 1 };
}

function where(walk: Walk, at: { line: number; column: number }): string {
  const inMessage = `messages[${walk.messageIndex}]`;
  return walk.partial
    ? `partial "${walk.partial}" line ${at.line}, column ${at.column} (included by ${inMessage})`
    : `${inMessage} line ${at.line}, column ${at.column}`;
}

function report(
  walk: Walk,
  at: { line: number; column: number },
  code: LintCode,
  detail: string,
  severity: Problem["severity"],
): void {
  // Details quote template text: control characters in it are escaped, so a problem stays one printable line.
  const message = escapeControl(`${walk.version.id}@${walk.version.version}: ${where(walk, at)}: ${detail}`);
  // A partial included twice by one template reports its problems once.
  if (walk.seen.has(`${code}\u0000${message}`)) return;
  walk.seen.add(`${code}\u0000${message}`);
  const inFile = filePosition(walk.version, walk.messageIndex, walk.includedAt ?? at);
  walk.problems.push({ file: walk.version.source.path, ...inFile, code, severity, message });
}

function walkTemplate(walk: Walk, ast: hbs.AST.Program, frames: Frame[]): void {
  for (const finding of checkTemplate(ast, {
    helpers: walk.helpers,
    hasPartial: (name) => walk.partials.has(name),
  })) {
    report(walk, finding, finding.kind, `${finding.detail}. ${finding.hint}`, "error");
  }
  collectInline(ast, walk.inline);
  walkProgram(walk, ast, frames);
}

function collectInline(program: hbs.AST.Program | undefined, into: Map<string, hbs.AST.Program>): void {
  for (const statement of program?.body ?? []) {
    const node = statement as hbs.AST.Node & { program?: hbs.AST.Program; inverse?: hbs.AST.Program };
    if (node.type === "DecoratorBlock") {
      const block = statement as unknown as hbs.AST.BlockStatement;
      const first = block.params[0];
      if (first?.type === "StringLiteral") into.set((first as hbs.AST.StringLiteral).value, block.program);
    }
    collectInline(node.program, into);
    collectInline(node.inverse, into);
  }
}

function walkProgram(walk: Walk, program: hbs.AST.Program | undefined, frames: Frame[]): void {
  for (const statement of program?.body ?? []) walkStatement(walk, statement, frames);
}

function withNames(
  frames: Frame[],
  names: (string | undefined)[],
  schemas: (JsonSchema | undefined)[],
): Frame[] {
  const top = frames[frames.length - 1]!;
  const map = new Map(top.names);
  names.forEach((name, i) => {
    if (name) map.set(name, schemas[i]);
  });
  return [...frames.slice(0, -1), { ...top, names: map }];
}

function walkStatement(walk: Walk, statement: hbs.AST.Statement, frames: Frame[]): void {
  walk.work.visits++;
  switch (statement.type) {
    case "MustacheStatement": {
      const mustache = statement as hbs.AST.MustacheStatement;
      const printed = walkCall(walk, mustache, frames);
      const kind = nonScalarKind(printed);
      if (kind !== undefined) {
        const path = (mustache.path as hbs.AST.PathExpression).original;
        report(
          walk,
          position(mustache),
          LINT_CODES.NON_SCALAR_VALUE,
          `"${path}" is ${kind === "array" ? "an array" : "an object"} (the input schema says so), and only strings, numbers, booleans and null can be printed into text. ${nonScalarHint(path, kind)}`,
          "error",
        );
      }
      return;
    }
    case "BlockStatement": {
      const block = statement as hbs.AST.BlockStatement;
      const call = classifyCall(block, walk.helpers);
      const blockParams = block.program?.blockParams ?? [];
      if (call.kind === "helper" && (call.name === "each" || call.name === "with")) {
        const target = block.params[0] ? resolveExpression(walk, block.params[0], frames) : undefined;
        walkArguments(walk, block, frames, 1);
        const top = frames[frames.length - 1]!;
        const inner: JsonSchema | undefined = call.name === "each" ? itemsOf(target) : target;
        const frame: Frame = {
          schema: inner,
          isRoot: false,
          iterating: call.name === "each" || top.iterating,
          names: new Map(top.names),
        };
        if (blockParams[0]) frame.names.set(blockParams[0], inner);
        if (blockParams[1]) frame.names.set(blockParams[1], INDEX_SCHEMA);
        walkProgram(walk, block.program, [...frames, frame]);
        walkProgram(walk, block.inverse, frames);
        return;
      }
      if (call.kind === "value") {
        // A section `{{#items}}…{{/items}}`: iterates arrays, otherwise renders once with the value as context.
        const target = resolvePath(walk, block.path as hbs.AST.PathExpression, frames);
        const top = frames[frames.length - 1]!;
        const isArray = isArraySchema(target);
        walkProgram(walk, block.program, [
          ...frames,
          {
            schema: isArray ? itemsOf(target) : target,
            isRoot: false,
            iterating: isArray || top.iterating,
            names: top.names,
          },
        ]);
        walkProgram(walk, block.inverse, frames);
        return;
      }
      walkArguments(walk, block, frames, 0);
      walkProgram(walk, block.program, withNames(frames, blockParams, []));
      walkProgram(walk, block.inverse, frames);
      return;
    }
    case "PartialStatement":
    case "PartialBlockStatement":
      walkPartial(walk, statement as hbs.AST.PartialStatement & { program?: hbs.AST.Program }, frames);
      return;
    case "DecoratorBlock":
      // Inline partial bodies are walked where they are included.
      return;
    default:
      return;
  }
}

function walkCall(
  walk: Walk,
  node: hbs.AST.MustacheStatement | hbs.AST.SubExpression,
  frames: Frame[],
): JsonSchema | undefined {
  const call = classifyCall(node, walk.helpers);
  if (call.kind === "value") return resolvePath(walk, node.path as hbs.AST.PathExpression, frames);
  walkArguments(walk, node, frames, 0);
  return undefined;
}

function walkArguments(
  walk: Walk,
  node: { params: hbs.AST.Expression[]; hash?: hbs.AST.Hash },
  frames: Frame[],
  from: number,
): void {
  for (const param of node.params.slice(from)) resolveExpression(walk, param, frames);
  for (const pair of node.hash?.pairs ?? []) resolveExpression(walk, pair.value, frames);
}

function resolveExpression(walk: Walk, node: hbs.AST.Expression, frames: Frame[]): JsonSchema | undefined {
  if (node.type === "PathExpression") return resolvePath(walk, node as hbs.AST.PathExpression, frames);
  if (node.type === "SubExpression") return walkCall(walk, node as hbs.AST.SubExpression, frames);
  return undefined;
}

function resolvePath(walk: Walk, path: hbs.AST.PathExpression, frames: Frame[]): JsonSchema | undefined {
  const at = position(path);
  const parts = path.parts;
  if (path.data) {
    const head = parts[0] ?? "";
    if (head === "root") return walkSegments(walk, path, at, parts.slice(1), frames[0]!);
    if (DATA_VARIABLES.has(head)) {
      if (!frames[frames.length - 1 - path.depth]?.iterating) {
        report(
          walk,
          at,
          LINT_CODES.DATA_VARIABLE_OUTSIDE_EACH,
          `"${path.original}" is only defined inside {{#each}}`,
          "error",
        );
      }
      return head === "index" ? INTEGER_SCHEMA : undefined;
    }
    if (head === "partial-block") return undefined;
    report(walk, at, LINT_CODES.UNDECLARED_VARIABLE, `unknown data variable "${path.original}"`, "error");
    return undefined;
  }
  const head = parts[0];
  if (path.depth === 0 && head !== undefined && !/^(this|\.)([./]|$)/.test(path.original)) {
    for (let i = frames.length - 1; i >= 0; i--) {
      const names = frames[i]!.names;
      if (names.has(head)) {
        return walkSegments(walk, path, at, parts.slice(1), {
          ...frames[i]!,
          schema: names.get(head),
          isRoot: false,
        });
      }
    }
  }
  const frame = frames[frames.length - 1 - path.depth];
  if (!frame) {
    report(
      walk,
      at,
      LINT_CODES.UNDECLARED_VARIABLE,
      `"${path.original}" goes above the template input`,
      "error",
    );
    return undefined;
  }
  return walkSegments(walk, path, at, parts, frame);
}

function walkSegments(
  walk: Walk,
  path: hbs.AST.PathExpression,
  at: { line: number; column: number },
  parts: string[],
  frame: Frame,
): JsonSchema | undefined {
  if (frame.isRoot) {
    if (parts.length === 0) walk.usesEverything.value = true;
    else walk.used.add(parts[0]!);
  }
  // Prototype members are reported once, as forbidden_property, by checkTemplate.
  if (parts.some((part) => FORBIDDEN_SEGMENTS.has(part))) return undefined;
  let schema = frame.schema;
  for (let i = 0; i < parts.length; i++) {
    const found = propertyOf(schema, parts[i]!);
    if (found.kind === "absent") {
      const readable = parts.slice(0, i + 1).join(".");
      const suggestion = schema ? closestMatch(parts[i]!, propertyNames(schema)) : undefined;
      const hint = suggestion ? ` Did you mean "${suggestion}"?` : "";
      const whereIn =
        i === 0 && frame.isRoot
          ? "the input schema"
          : `the schema of "${parts.slice(0, i).join(".") || "this"}"`;
      report(
        walk,
        at,
        LINT_CODES.UNDECLARED_VARIABLE,
        `"${path.original}" uses "${readable}", which ${found.reason === "is not a property of the object" ? `is not declared in ${whereIn}` : found.reason}.${hint} Declare it under input.properties or fix the name.`,
        "error",
      );
      return undefined;
    }
    schema = found.schema;
    if (schema === undefined) return undefined;
  }
  return schema;
}

function walkPartial(
  walk: Walk,
  node: hbs.AST.PartialStatement & { program?: hbs.AST.Program },
  frames: Frame[],
): void {
  const name = partialName(node);
  // Context argument and hash values are read in the caller's scope.
  const context = node.params[0] ? resolveExpression(walk, node.params[0], frames) : undefined;
  for (const pair of node.hash?.pairs ?? []) resolveExpression(walk, pair.value, frames);
  if (node.program) walkProgram(walk, node.program, frames);
  if (name === undefined || name === "@partial-block") return;

  const top = frames[frames.length - 1]!;
  let partialFrames = frames;
  if (node.params[0]) {
    partialFrames = [
      ...frames,
      { schema: context, isRoot: false, iterating: top.iterating, names: new Map() },
    ];
  }
  if (node.hash) {
    const names = node.hash.pairs.map((pair) => pair.key);
    partialFrames = withNames(partialFrames, names, []);
  }

  const inline = walk.inline.get(name);
  if (inline) {
    if (walk.inlineStack.includes(name)) return;
    const reach = reachOf(walk, inline, walk.inline);
    const key = `inline\u0000${walk.partial ?? ""}\u0000${walk.ids.of(walk.inline)}\u0000${name}\u0000${contextKey(walk, partialFrames, reach)}`;
    if (walk.walked.has(key)) return;
    walk.walked.add(key);
    walkProgram({ ...walk, inlineStack: [...walk.inlineStack, name] }, inline, partialFrames);
    return;
  }
  const source = walk.partials.get(name);
  if (source === undefined) return; // reported by checkTemplate as missing_partial
  if (walk.partialStack.includes(name)) {
    report(
      walk,
      position(node),
      LINT_CODES.PARTIAL_CYCLE,
      `partials include each other in a cycle: ${[...walk.partialStack, name].join(" -> ")}. Break the cycle.`,
      "error",
    );
    return;
  }
  // Deeper chains are over the nesting budget (reported once per message); this also bounds the recursion.
  if (walk.partialStack.length >= BUDGETS.maxTemplateNesting) return;
  const ast = parsedPartial(walk, name)!;
  const reach = isProgram(ast) ? reachOf(walk, ast, includedProgram(walk, name, new Map())!.inline) : 0;
  const key = `partial\u0000${name}\u0000${contextKey(walk, partialFrames, reach)}`;
  if (walk.walked.has(key)) return;
  walk.walked.add(key);
  const inner: Walk = {
    ...walk,
    includedAt: walk.includedAt ?? position(node),
    partial: name,
    partialStack: [...walk.partialStack, name],
    inlineStack: [],
    inline: new Map(),
  };
  if (!isProgram(ast)) {
    report(inner, ast, ast.code, ast.detail, "error");
    return;
  }
  walkTemplate(inner, ast, partialFrames);
}
