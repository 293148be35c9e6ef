import { closestMatch } from "@promptreg/core";
import type { JsonSchema, Registry, Role, TemplateRef, TemplateVersion } from "@promptreg/registry";
import { BUDGETS } from "./budgets.js";
import {
  type CustomHelper,
  createEnvironment,
  MessageFailure,
  MissingLookup,
  NonScalarOutput,
  type RenderEnvironment,
} from "./environment.js";
import { InputValidationError } from "./errors/input-validation-error.js";
import { MissingVariableError } from "./errors/missing-variable-error.js";
import { NonScalarValueError } from "./errors/non-scalar-value-error.js";
import { RenderBudgetError } from "./errors/render-budget-error.js";
import { RenderError } from "./errors/render-error.js";
import { TemplateCompileError, type TemplateCompileErrorReason } from "./errors/template-compile-error.js";
import { UnknownHelperError } from "./errors/unknown-helper-error.js";
import { HelperArgumentInvalid, HelperArgumentMissing, type HelperLocation } from "./helpers.js";
import { LruCache } from "./lru-cache.js";
import { nestingOverflow, type PartialDepth, templateDepth } from "./nesting.js";
import { type ParseOutputResult, toIssues, validateOutput } from "./parse-output.js";
import { BudgetExceeded } from "./render-meter.js";
import { type CheckFinding, checkTemplate, usedPartials } from "./template-checks.js";

export interface RenderedMessage {
  role: Role;
  content: string;
}

export interface RenderResult {
  ref: { id: string; version: string; hash: string };
  messages: RenderedMessage[];
  /** Gateway model name (`provider/model`). */
  model: string;
  params: Record<string, unknown>;
  fallbacks: string[];
  outputSchema?: JsonSchema;
}

export interface RendererOptions {
  /**
   * Only `resolve` and `partials` are used. The registry must be immutable (as loaded registries are):
   * compiled partials and the version each reference string resolved to are kept.
   */
  registry: Pick<Registry, "resolve" | "partials">;
  /** Extra helpers, by name. Names of built-in helpers cannot be reused. */
  helpers?: Readonly<Record<string, CustomHelper>>;
  /** Template versions whose compiled messages are kept (least recently used are dropped). Default 1000. */
  cacheSize?: number;
}

export interface RendererStats {
  /** Templates compiled so far (messages and partials). A hot render adds none. */
  compilations: number;
  cacheHits: number;
  cacheMisses: number;
  /** Versions currently held compiled. */
  cachedVersions: number;
}

export interface Renderer {
  /**
   * Resolves `ref`, validates `input` against the version's input schema (applying defaults), and renders
   * each message separately. Throws `InputValidationError`, `MissingVariableError`, `TemplateCompileError`,
   * `UnknownHelperError`, or the registry's `TemplateNotFoundError` / `InvalidReferenceError`.
   */
  render(ref: string | TemplateRef, input: unknown): RenderResult;
  /** `render` for a version the caller has already resolved. */
  renderVersion(version: TemplateVersion, input: unknown): RenderResult;
  /** Compiles every message of a version (no rendering); throws what `render` would for template problems. */
  compile(version: TemplateVersion): void;
  /** Extracts and validates the JSON value in a model reply; never throws for bad model output. */
  parseOutput(ref: string | TemplateRef, text: string): ParseOutputResult;
  stats(): RendererStats;
}

interface CompiledMessage {
  role: Role;
  ast: hbs.AST.Program;
}

type CompiledVersion =
  | { ok: true; messages: CompiledMessage[]; template: HandlebarsTemplateDelegate }
  | { ok: false; error: RenderError };

interface CompiledPartial {
  ast: hbs.AST.Program;
  /** Nesting depth counted through the partials it includes. */
  depth: PartialDepth;
}

export function createRenderer({ registry, helpers, cacheSize = 1000 }: RendererOptions): Renderer {
  const environment = createEnvironment(helpers);
  const cache = new LruCache<string, CompiledVersion>(cacheSize);
  const partials = new Map<string, CompiledPartial>();
  // Resolving a reference string parses it and may run semver matching; an immutable registry always
  // answers the same, so each string is resolved once.
  const resolvedRefs = new LruCache<string, TemplateVersion>(cacheSize);
  const resolve = (ref: string | TemplateRef): TemplateVersion => {
    if (typeof ref !== "string") return registry.resolve(ref);
    let version = resolvedRefs.get(ref);
    if (version === undefined) {
      version = registry.resolve(ref);
      resolvedRefs.set(ref, version);
    }
    return version;
  };
  let cacheHits = 0;
  let cacheMisses = 0;

  const compiledFor = (version: TemplateVersion): CompiledVersion => {
    const cached = cache.get(version.hash);
    if (cached !== undefined) {
      cacheHits++;
      return cached;
    }
    cacheMisses++;
    let compiled: CompiledVersion;
    try {
      compiled = { ok: true, ...compileVersion({ version, environment, registry, partials }) };
    } catch (error) {
      if (!RenderError.isInstance(error)) throw error;
      // A broken template stays broken: remember the error instead of recompiling on every request.
      compiled = { ok: false, error };
    }
    cache.set(version.hash, compiled);
    return compiled;
  };

  return {
    render(ref, input) {
      return renderVersion(resolve(ref), input);
    },
    renderVersion(version, input) {
      return renderVersion(version, input);
    },
    compile(version) {
      const compiled = compiledFor(version);
      if (!compiled.ok) throw compiled.error;
    },
    parseOutput(ref, text) {
      return validateOutput(resolve(ref), text);
    },
    stats() {
      return { compilations: environment.compilations, cacheHits, cacheMisses, cachedVersions: cache.size };
    },
  };

  function renderVersion(version: TemplateVersion, input: unknown): RenderResult {
    const compiled = compiledFor(version);
    if (!compiled.ok) throw compiled.error;
    const parsed = version.input.safeParse(input);
    if (!parsed.success) {
      throw new InputValidationError({
        templateId: version.id,
        version: version.version,
        issues: toIssues(parsed.error.issues),
      });
    }
    const count = compiled.messages.length;
    let contents: string[];
    try {
      contents = environment.renderMessages(compiled.template, parsed.data, count);
    } catch (failure) {
      const messageIndex = failure instanceof MessageFailure ? failure.messageIndex : 0;
      const error = failure instanceof MessageFailure ? failure.cause : failure;
      const message = compiled.messages[messageIndex]!;
      throw translateRuntimeError({ error, version, messageIndex, message, partials });
    }
    const messages: RenderedMessage[] = new Array(count);
    for (let index = 0; index < count; index++) {
      messages[index] = { role: compiled.messages[index]!.role, content: contents[index]! };
    }
    const result: RenderResult = {
      ref: { id: version.id, version: version.version, hash: version.hash },
      messages,
      model: version.model.name,
      params: version.model.params,
      fallbacks: version.model.fallbacks,
    };
    if (version.outputSchema !== undefined) result.outputSchema = version.outputSchema;
    return result;
  }
}

function compileVersion(options: {
  version: TemplateVersion;
  environment: RenderEnvironment;
  registry: Pick<Registry, "partials">;
  partials: Map<string, CompiledPartial>;
}): { messages: CompiledMessage[]; template: HandlebarsTemplateDelegate } {
  const { version, environment, registry, partials } = options;
  const messages = version.messages.map((message, messageIndex) => {
    const site = { version, messageIndex };
    const ast = parseSource({ environment, content: message.content, source: "", site });
    const findings = checkTemplate(ast, {
      helpers: environment.helpers,
      hasPartial: (name) => registry.partials.has(name),
    });
    failOnFindings(findings, { ...site, environment });
    for (const name of usedPartials(ast)) {
      ensurePartial({ name, stack: [], environment, registry, partials, site });
    }
    const deepest = templateDepth(ast, (name) => partials.get(name)?.depth);
    if (deepest.depth > BUDGETS.maxTemplateNesting) {
      throw compileError(site, {
        reason: "nesting_too_deep",
        ...deepest.at,
        detail: `counting the partials it includes (${deepest.path.join(" -> ")}), this nests ${deepest.depth} levels deep, over the budget of ${BUDGETS.maxTemplateNesting}`,
        hint: NESTING_HINT,
      });
    }
    return { role: message.role, ast };
  });
  let template: HandlebarsTemplateDelegate;
  try {
    template = environment.compileMessages(messages.map((message) => message.ast));
  } catch {
    // Attribute the failure to a message: compile them one by one (only ever on this error path).
    messages.forEach((message, messageIndex) => {
      compileAst(environment, message.ast, { version, messageIndex }, undefined);
    });
    throw compileError(
      { version, messageIndex: 0 },
      {
        reason: "syntax",
        line: 1,
        column: 1,
        detail: "the messages could not be compiled together",
        hint: "Report this as a bug in promptreg.",
      },
    );
  }
  return { messages, template };
}

interface Site {
  version: TemplateVersion;
  messageIndex: number;
  partial?: string;
}

function ensurePartial(options: {
  name: string;
  stack: string[];
  environment: RenderEnvironment;
  registry: Pick<Registry, "partials">;
  partials: Map<string, CompiledPartial>;
  site: Site;
}): void {
  const { name, stack, environment, registry, partials, site } = options;
  if (partials.has(name)) return;
  const partialSite = { ...site, partial: name };
  // Every inclusion nests one level deeper, so a longer chain is over the budget whatever the partials hold; this
  // also bounds the recursion here.
  if (stack.length >= BUDGETS.maxTemplateNesting) {
    throw compileError(site, {
      reason: "nesting_too_deep",
      line: 1,
      column: 1,
      detail: `partials include each other more than ${BUDGETS.maxTemplateNesting} levels deep: ${[...stack, name].join(" -> ")}`,
      hint: NESTING_HINT,
    });
  }
  if (stack.includes(name)) {
    throw compileError(partialSite, {
      reason: "partial_cycle",
      line: 1,
      column: 1,
      detail: `partials include each other in a cycle: ${[...stack, name].join(" -> ")}`,
      hint: "Break the cycle; a partial cannot include itself, directly or indirectly.",
    });
  }
  const source = registry.partials.get(name);
  if (source === undefined) {
    throw compileError(site, {
      reason: "missing_partial",
      line: 1,
      column: 1,
      detail: `partial "${name}" does not exist`,
      hint: `Create templates/_partials/${name}.hbs, or fix the name.`,
    });
  }
  const ast = parseSource({ environment, content: source, source: name, site: partialSite });
  failOnFindings(
    checkTemplate(ast, { helpers: environment.helpers, hasPartial: (n) => registry.partials.has(n) }),
    {
      ...partialSite,
      environment,
    },
  );
  for (const inner of usedPartials(ast)) {
    ensurePartial({ name: inner, stack: [...stack, name], environment, registry, partials, site });
  }
  environment.registerPartial(name, compileAst(environment, ast, partialSite, name));
  const { depth, path } = templateDepth(ast, (inner) => partials.get(inner)?.depth);
  partials.set(name, { ast, depth: { depth, path } });
}

const NESTING_HINT =
  "Flatten the template: move a nested part into a partial used at a shallower level, or compute the choice in " +
  `the input (see "Budgets" in docs/renderer.md).`;

function parseSource(options: {
  environment: RenderEnvironment;
  content: string;
  source: string;
  site: Site;
}): hbs.AST.Program {
  // Checked before Handlebars parses: its parser is recursive and slow on deep nesting.
  const deep = nestingOverflow(options.content);
  if (deep) {
    throw compileError(options.site, {
      reason: "nesting_too_deep",
      line: deep.line,
      column: deep.column,
      detail: `blocks and sub-expressions nest ${deep.depth} levels deep here, over the budget of ${BUDGETS.maxTemplateNesting}`,
      hint: NESTING_HINT,
    });
  }
  try {
    return options.environment.parse(options.content, options.source);
  } catch (error) {
    const { line, column, detail } = describeParseError(error);
    throw compileError(options.site, {
      reason: "syntax",
      line,
      column,
      detail,
      hint: "Fix the Handlebars syntax (see docs/renderer.md); every {{#block}} needs its {{/block}}.",
      cause: error,
    });
  }
}

function compileAst(
  environment: RenderEnvironment,
  ast: hbs.AST.Program,
  site: Site,
  partial: string | undefined,
): HandlebarsTemplateDelegate {
  try {
    return environment.compile(ast);
  } catch (error) {
    const { line, column, detail } = describeParseError(error);
    throw compileError(partial === undefined ? site : { ...site, partial }, {
      reason: "syntax",
      line,
      column,
      detail,
      hint: "See docs/renderer.md for what templates may contain.",
      cause: error,
    });
  }
}

/** Handlebars reports positions two ways: `lineNumber`/`column` on its Exception, or "line N" plus a caret. */
export function describeParseError(error: unknown): { line: number; column: number; detail: string } {
  const raw = error instanceof Error ? error.message : String(error);
  const withPosition = error as { lineNumber?: number; column?: number };
  if (typeof withPosition.lineNumber === "number") {
    return {
      line: withPosition.lineNumber,
      column: (withPosition.column ?? 0) + 1,
      detail: raw.replace(/ - \d+:\d+$/, ""),
    };
  }
  const line = Number(/on line (\d+)/.exec(raw)?.[1] ?? 1);
  const caret = /\n(-*)\^/.exec(raw);
  const column = caret ? caret[1]!.length + 1 : 1;
  return { line, column, detail: raw.replace(/\n/g, " ").replace(/\s+/g, " ") };
}

function failOnFindings(findings: CheckFinding[], site: Site & { environment: RenderEnvironment }): void {
  const finding = findings[0];
  if (!finding) return;
  if (finding.kind === "unknown_helper") {
    throw new UnknownHelperError({
      templateId: site.version.id,
      version: site.version.version,
      messageIndex: site.messageIndex,
      helper: finding.name,
      line: finding.line,
      column: finding.column,
      ...(site.partial === undefined ? {} : { partial: site.partial }),
      knownHelpers: [...site.environment.helpers.keys()],
      ...suggestion(finding.name, [...site.environment.helpers.keys()]),
    });
  }
  throw compileError(site, {
    reason: finding.kind as TemplateCompileErrorReason,
    line: finding.line,
    column: finding.column,
    detail: finding.detail,
    hint: finding.hint,
  });
}

function compileError(
  site: Site,
  options: {
    reason: TemplateCompileErrorReason;
    line: number;
    column: number;
    detail: string;
    hint: string;
    cause?: unknown;
  },
): TemplateCompileError {
  return new TemplateCompileError({
    ...options,
    templateId: site.version.id,
    version: site.version.version,
    messageIndex: site.messageIndex,
    ...(site.partial === undefined ? {} : { partial: site.partial }),
  });
}

function suggestion(name: string, candidates: string[]): { suggestion?: string } {
  const closest = closestMatch(name, candidates);
  return closest === undefined ? {} : { suggestion: closest };
}

function translateRuntimeError(options: {
  error: unknown;
  version: TemplateVersion;
  messageIndex: number;
  message: CompiledMessage;
  partials: Map<string, CompiledPartial>;
}): Error {
  const { error, version, messageIndex, message, partials } = options;
  const base = { templateId: version.id, version: version.version, messageIndex };
  if (error instanceof MissingLookup) {
    return new MissingVariableError({
      ...base,
      variable: error.variable,
      line: error.line,
      column: error.column,
      ...(error.source === "" ? {} : { partial: error.source }),
    });
  }
  if (error instanceof NonScalarOutput) {
    const ast = error.source === "" ? message.ast : partials.get(error.source)?.ast;
    return new NonScalarValueError({
      ...base,
      expression: (ast && printedExpression(ast, error.line, error.column)) ?? "value",
      kind: error.kind,
      line: error.line,
      column: error.column,
      ...(error.source === "" ? {} : { partial: error.source }),
    });
  }
  if (error instanceof HelperArgumentMissing) {
    const source = error.loc?.source ?? "";
    const ast = source === "" ? message.ast : partials.get(source)?.ast;
    const argument = ast ? findArgument(ast, error.helper, error.argumentIndex, error.loc) : undefined;
    const at = argument?.loc ?? error.loc;
    return new MissingVariableError({
      ...base,
      variable: argument?.text ?? `argument ${error.argumentIndex + 1} of ${error.helper}`,
      helper: error.helper,
      line: at?.start.line ?? 1,
      column: (at?.start.column ?? 0) + 1,
      ...(source === "" ? {} : { partial: source }),
    });
  }
  if (error instanceof BudgetExceeded) {
    const source = error.loc?.source ?? "";
    return new RenderBudgetError({
      ...base,
      budget: error.budget,
      limit: error.limit,
      line: error.loc?.start.line ?? 1,
      column: (error.loc?.start.column ?? 0) + 1,
      ...(source === "" ? {} : { partial: source }),
      detail: error.detail,
    });
  }
  if (RenderError.isInstance(error)) return error;
  const where = (loc: HelperLocation | undefined) =>
    `${loc?.source ? `partial "${loc.source}"` : `messages[${messageIndex}]`} line ${loc?.start.line ?? 1}, column ${(loc?.start.column ?? 0) + 1}`;
  if (error instanceof HelperArgumentInvalid) {
    return new RenderError({
      code: "helper_failed",
      message: `${version.id}@${version.version}: ${error.message} in ${where(error.loc)}. See docs/renderer.md for what each helper accepts.`,
      cause: error,
    });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new RenderError({
    code: "render_failed",
    message: `${version.id}@${version.version}: rendering messages[${messageIndex}] failed: ${detail}. If a custom helper threw, fix the helper or its arguments.`,
    cause: error,
  });
}

/** The expression of the mustache or block at 1-based `line`/`column` (a path as written, or a helper's name). */
function printedExpression(ast: hbs.AST.Program, line: number, column: number): string | undefined {
  const visit = (program: hbs.AST.Program | undefined): string | undefined => {
    for (const statement of program?.body ?? []) {
      const node = statement as hbs.AST.Node & {
        path?: hbs.AST.Expression;
        program?: hbs.AST.Program;
        inverse?: hbs.AST.Program;
      };
      const start = node.loc?.start;
      if (
        (node.type === "MustacheStatement" || node.type === "BlockStatement") &&
        start?.line === line &&
        start.column + 1 === column &&
        node.path?.type === "PathExpression"
      ) {
        return (node.path as hbs.AST.PathExpression).original;
      }
      const inner = visit(node.program) ?? visit(node.inverse);
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  return visit(ast);
}

/** The source text and position of the `index`th argument of the helper call at `loc`, for error messages. */
function findArgument(
  ast: hbs.AST.Program,
  helper: string,
  index: number,
  loc: HelperLocation | undefined,
): { text: string; loc: HelperLocation } | undefined {
  if (!loc) return undefined;
  let found: { text: string; loc: HelperLocation } | undefined;
  const visitExpression = (node: hbs.AST.Node | undefined) => {
    if (!node || found !== undefined) return;
    if (node.type === "SubExpression") visitCall(node as hbs.AST.SubExpression);
  };
  const visitCall = (node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression) => {
    const path = node.path as hbs.AST.PathExpression;
    if (
      node.loc?.start.line === loc.start.line &&
      node.loc?.start.column === loc.start.column &&
      path.original === helper
    ) {
      const argument = node.params[index];
      if (argument?.type === "PathExpression") {
        found = { text: (argument as hbs.AST.PathExpression).original, loc: argument.loc };
      } else if (argument?.type === "SubExpression") {
        const inner = ((argument as hbs.AST.SubExpression).path as hbs.AST.PathExpression).original;
        found = { text: `(${inner} …)`, loc: argument.loc };
      }
      return;
    }
    for (const param of node.params) visitExpression(param);
    for (const pair of node.hash?.pairs ?? []) visitExpression(pair.value);
  };
  const visitProgram = (program: hbs.AST.Program | undefined) => {
    for (const statement of program?.body ?? []) {
      if (found !== undefined) return;
      const node = statement as hbs.AST.Node & { program?: hbs.AST.Program; inverse?: hbs.AST.Program };
      if (node.type === "MustacheStatement" || node.type === "BlockStatement") {
        visitCall(statement as hbs.AST.MustacheStatement);
      }
      visitProgram(node.program);
      visitProgram(node.inverse);
    }
  };
  visitProgram(ast);
  return found;
}
