// The Handlebars types declare `hbs.AST` and `HandlebarsTemplateDelegate` as globals, which this file's declarations
// name; the reference keeps them loaded in the published .d.ts (without it, an app compiling with skipLibCheck
// false finds neither: tooling/packing's fresh-app test).
/// <reference types="handlebars" preserve="true" />
import Handlebars, { type HelperOptions } from "handlebars";
import { BUILTIN_BLOCK_HELPERS, BUILTIN_HELPERS, type HelperLocation, type HelperSpec } from "./helpers.js";
import { RenderMeter } from "./render-meter.js";

/** A custom helper: positional arguments, then Handlebars' options object last. */
export type CustomHelper = (...args: unknown[]) => unknown;

/**
 * Thrown by the strict lookup a compiled template calls when a value it prints is absent. `source` is the
 * partial name, or "" for the message itself; `line`/`column` are 1-based.
 * Internal control flow, never thrown out of the package (not in index.ts), so not a PromptregBaseError.
 */
export class MissingLookup extends Error {
  constructor(
    readonly variable: string,
    readonly line: number,
    readonly column: number,
    readonly source: string,
  ) {
    super(`"${variable}" is not defined`);
    this.name = "MissingLookup";
  }
}

/**
 * Thrown by the compiled template when a mustache (or a block) would print an object or an array into text.
 * `source` is the partial name, or "" for the message itself; `line`/`column` are 1-based.
 * Internal control flow, never thrown out of the package (not in index.ts), so not a PromptregBaseError.
 */
export class NonScalarOutput extends Error {
  constructor(
    readonly kind: "object" | "array",
    readonly line: number,
    readonly column: number,
    readonly source: string,
  ) {
    super(`an ${kind} cannot be printed into text`);
    this.name = "NonScalarOutput";
  }
}

/**
 * Plain objects and arrays (what JSON input holds) print as "[object Object]" or "a,b": never what a prompt means.
 * Objects with their own prototype (a helper's SafeString, say) print through their own toString.
 */
function nonScalarKind(value: unknown): "object" | "array" | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (Array.isArray(value)) return "array";
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null ? "object" : undefined;
}

/** Arity of every helper a template may call, for compile-time checks and lints. */
export type HelperArity = ReadonlyMap<string, { minArgs: number; maxArgs: number }>;

/**
 * Wraps whatever a message threw with the index of the message being rendered. Internal control flow, never thrown
 * out of the package (not in index.ts), so not a PromptregBaseError.
 */
export class MessageFailure extends Error {
  constructor(
    readonly messageIndex: number,
    override readonly cause: unknown,
  ) {
    super(`messages[${messageIndex}] failed`);
    this.name = "MessageFailure";
  }
}

export interface RenderEnvironment {
  /** Parses with whitespace control applied; `source` names the partial (or "" for a message). */
  parse(content: string, source: string): hbs.AST.Program;
  /** Compiles a parsed template eagerly (Handlebars' own `compile` would defer errors to the first render). */
  compile(ast: hbs.AST.Program): HandlebarsTemplateDelegate;
  /**
   * Compiles the messages of one version into a single template, so a render runs Handlebars once (its
   * per-call setup is a fixed cost) while each message is still rendered from its own source, separately.
   */
  compileMessages(asts: hbs.AST.Program[]): HandlebarsTemplateDelegate;
  /** Renders a template from `compileMessages` into one string per message. Throws `MessageFailure`. */
  renderMessages(template: HandlebarsTemplateDelegate, data: unknown, count: number): string[];
  registerPartial(name: string, template: HandlebarsTemplateDelegate): void;
  readonly helpers: HelperArity;
  /** Number of templates compiled so far (messages and partials). */
  readonly compilations: number;
}

// Neither name can be written in a template: both contain a space, which Handlebars identifiers cannot.
const MESSAGE_BLOCK = "promptreg message";
// Not a valid Handlebars identifier (it contains spaces), so no template can call it, and not a function, so
// Handlebars does not wrap it per render.
const INTERNALS = "promptreg internals";

/** Own properties only, so prototype members (`constructor`, `__proto__`, `toString`) are never reachable. */
function step(current: unknown, part: string): unknown {
  if (current === null || (typeof current !== "object" && typeof current !== "string")) return undefined;
  return Object.hasOwn(current as object, part) ? (current as Record<string, unknown>)[part] : undefined;
}

const lookups = {
  /** Every value printed into text passes here: a scalar goes through, an object or array stops the render. */
  t(value: unknown, line: number, column: number, source: string): unknown {
    const kind = nonScalarKind(value);
    if (kind !== undefined) throw new NonScalarOutput(kind, line, column + 1, source);
    return value;
  },
  /** Lenient lookup of one segment: helper arguments, `#if`/`#each` targets (guards may be absent). */
  g1(base: unknown, part: string): unknown {
    return step(base, part);
  },
  gn(base: unknown, parts: readonly string[]): unknown {
    let current = base;
    for (const part of parts) {
      current = step(current, part);
      if (current === undefined) return undefined;
    }
    return current;
  },
  /** Strict lookup: what a mustache prints must exist. */
  n1(base: unknown, part: string, line: number, column: number, source: string, prefix: string): unknown {
    const value = step(base, part);
    if (value === undefined) throw new MissingLookup(prefix + part, line, column + 1, source);
    return value;
  },
  nn(
    base: unknown,
    parts: readonly string[],
    line: number,
    column: number,
    source: string,
    prefix: string,
  ): unknown {
    let current = base;
    for (let i = 0; i < parts.length; i++) {
      current = step(current, parts[i]!);
      if (current === undefined) {
        throw new MissingLookup(prefix + parts.slice(0, i + 1).join("."), line, column + 1, source);
      }
    }
    return current;
  },
};

// The pieces of Handlebars' compiler we extend. They are not in its type definitions, so they are described
// here, narrowly. Handlebars documents subclassing JavaScriptCompiler to change how names are looked up.
interface JsCompilerBase {
  options: Record<string, unknown>;
  nameLookup(parent: unknown, name: string, type: string): unknown;
  source: { currentLocation?: { source?: string; start: { line: number; column: number } } };
  useBlockParams: boolean;
  popStack(): unknown;
  aliasable(expression: string): unknown;
  push(code: unknown): void;
  resolvePath(type: string, parts: string[], start: number, falsy?: boolean, strict?: boolean): void;
  lookupBlockParam(blockParamId: [number, number], parts: string[], strict?: boolean): void;
  compile(environment: unknown, options: object, context: undefined, asObject: true): TemplateSpecification;
  setupParams(helper: string, paramSize: number, params: unknown[]): Record<string, unknown>;
  invokePartial(isDynamic: boolean, name: string, indent: string): void;
  append(): void;
}
interface CompilerBase {
  opcodes: { opcode: string; args: unknown[] }[];
  PathExpression(path: hbs.AST.PathExpression & { strict?: boolean }): void;
  compile(program: hbs.AST.Program, options: object): unknown;
}
interface CompilerInternals {
  JavaScriptCompiler: new () => JsCompilerBase;
  Compiler: new () => CompilerBase;
}

/** The `line, column, source` arguments a compiled template passes to a check, for the error's position. */
function siteArguments(loc: JsCompilerBase["source"]["currentLocation"]): string {
  return [loc?.start.line ?? 1, loc?.start.column ?? 0, JSON.stringify(loc?.source ?? "")].join(",");
}

/**
 * Strictness is implemented here rather than with Handlebars' `strict: true` lookups, because those
 * (a) throw a TypeError, not a clean error, when an intermediate segment of `a.b.c` is absent, even inside a
 * guard like `{{#if a.b}}`; (b) accept inherited members (`"toString" in obj`) and then print them as "";
 * (c) do not apply to block parameters (`{{#each xs as |x|}}{{x.missing}}`).
 */
function installStrictCompilers(hbs: typeof Handlebars): void {
  const internals = hbs as unknown as CompilerInternals;

  class StrictJavaScriptCompiler extends internals.JavaScriptCompiler {
    override resolvePath(
      type: string,
      parts: string[],
      start: number,
      _falsy?: boolean,
      strict?: boolean,
    ): void {
      const base = this.popStack();
      const rest = parts.slice(start);
      if (rest.length === 0) {
        this.push(base);
        return;
      }
      // `aliasable` hoists the expression into a local variable at the top of the compiled function.
      const target = this.aliasable(`helpers[${JSON.stringify(INTERNALS)}]`);
      const path = rest.length === 1 ? JSON.stringify(rest[0]) : JSON.stringify(rest);
      if (!strict) {
        this.push([target, rest.length === 1 ? ".g1(" : ".gn(", base, ",", path, ")"]);
        return;
      }
      const site = siteArguments(this.source.currentLocation);
      const prefix = JSON.stringify(type === "data" ? "@" : "");
      this.push([target, rest.length === 1 ? ".n1(" : ".nn(", base, ",", path, ",", site, ",", prefix, ")"]);
    }

    // Helpers are read from one table owned by the environment instead of Handlebars' per-render copy of
    // `env.helpers` (which wraps every helper in a new closure on every render; with ~20 helpers that was
    // half the cost of a hot render).
    override nameLookup(parent: unknown, name: string, type: string): unknown {
      if (type !== "helper") return super.nameLookup(parent, name, type);
      return [this.aliasable(`helpers[${JSON.stringify(INTERNALS)}].h`), "[", JSON.stringify(name), "]"];
    }

    // Partial calls carry their position (Handlebars gives one to helper calls only), so a budget that runs out
    // at a `{{> name}}` can say where.
    override invokePartial(isDynamic: boolean, name: string, indent: string): void {
      const loc = this.source.currentLocation;
      const setupParams = this.setupParams;
      this.setupParams = function withLocation(this: JsCompilerBase, ...args) {
        const options = setupParams.apply(this, args);
        if (loc) options.loc = JSON.stringify({ source: loc.source, start: loc.start });
        return options;
      };
      try {
        super.invokePartial(isDynamic, name, indent);
      } finally {
        delete (this as Partial<JsCompilerBase>).setupParams;
      }
    }

    // What a mustache or a block prints goes through the scalar check first (with its position).
    override append(): void {
      const value = this.popStack();
      const site = siteArguments(this.source.currentLocation);
      this.push([this.aliasable(`helpers[${JSON.stringify(INTERNALS)}]`), ".t(", value, ",", site, ")"]);
      super.append();
    }

    override lookupBlockParam(blockParamId: [number, number], parts: string[], strict?: boolean): void {
      this.useBlockParams = true;
      this.push(["blockParams[", String(blockParamId[0]), "][", String(blockParamId[1]), "]"]);
      this.resolvePath("context", parts, 1, false, strict);
    }
  }
  (StrictJavaScriptCompiler.prototype as unknown as { compiler: unknown }).compiler =
    StrictJavaScriptCompiler;

  class BlockParamAwareCompiler extends internals.Compiler {
    override PathExpression(path: hbs.AST.PathExpression & { strict?: boolean }): void {
      super.PathExpression(path);
      // Handlebars drops the strict flag for block parameters; pass it on to lookupBlockParam.
      const last = this.opcodes[this.opcodes.length - 1];
      if (last?.opcode === "lookupBlockParam") last.args.push(path.strict === true);
    }
  }
  (BlockParamAwareCompiler.prototype as unknown as { compiler: unknown }).compiler = BlockParamAwareCompiler;

  internals.JavaScriptCompiler = StrictJavaScriptCompiler;
  internals.Compiler = BlockParamAwareCompiler;
}

// Prototype access stays off (the Handlebars 4.6+ defaults, stated explicitly so an upgrade cannot flip them).
const RUNTIME_OPTIONS = Object.freeze({
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
});

const HELPER_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Every helper a template may call (built-ins plus the given custom names), with its arity. */
export function helperArity(customNames: Iterable<string> = []): HelperArity {
  const arity = new Map<string, { minArgs: number; maxArgs: number }>(Object.entries(BUILTIN_BLOCK_HELPERS));
  for (const [name, helper] of Object.entries(BUILTIN_HELPERS) as [string, HelperSpec][]) {
    arity.set(name, { minArgs: helper.minArgs, maxArgs: helper.maxArgs });
  }
  for (const name of customNames) {
    if (!arity.has(name)) arity.set(name, { minArgs: 0, maxArgs: Number.POSITIVE_INFINITY });
  }
  return arity;
}

interface VmInternals {
  invokePartial(
    this: unknown,
    partial: unknown,
    context: unknown,
    options: { name: string; loc?: HelperLocation },
  ): unknown;
}

type EachOptions = HelperOptions & { loc?: HelperLocation };

/**
 * `#each` as Handlebars has it (arrays, objects, iterables; `@index`, `@key`, `@first`, `@last`; block parameters;
 * `{{else}}` when there is nothing), plus the render's budgets: every iteration is counted, and its output is
 * metered as it is built.
 */
function eachHelper(
  this: unknown,
  context: unknown,
  options: EachOptions,
  meter: RenderMeter | undefined,
): string {
  const { fn, inverse, loc } = options;
  let target = context;
  if (typeof target === "function") target = target.call(this);
  const data = options.data ? Handlebars.createFrame(options.data) : undefined;
  let out = "";
  let count = 0;
  const run = (value: unknown, key: string | number, index: number, last: boolean) => {
    if (meter) {
      meter.iterate(loc);
      meter.enter();
    }
    if (data) {
      data.key = key;
      data.index = index;
      data.first = index === 0;
      data.last = last;
    }
    const piece = fn(value, { data, blockParams: [value, key] });
    meter?.exit(piece.length, loc);
    out += piece;
    count++;
  };
  if (target !== null && typeof target === "object") {
    if (Array.isArray(target)) {
      for (let i = 0; i < target.length; i++) if (i in target) run(target[i], i, i, i === target.length - 1);
    } else if (Symbol.iterator in target) {
      const items = Array.from(target as Iterable<unknown>);
      for (let i = 0; i < items.length; i++) run(items[i], i, i, i === items.length - 1);
    } else {
      const keys = Object.keys(target);
      for (let i = 0; i < keys.length; i++) {
        run((target as Record<string, unknown>)[keys[i]!], keys[i]!, i, i === keys.length - 1);
      }
    }
  }
  return count === 0 ? inverse(this) : out;
}

export function createEnvironment(
  customHelpers: Readonly<Record<string, CustomHelper>> = {},
): RenderEnvironment {
  const hbs = Handlebars.create();
  installStrictCompilers(hbs);
  const builtins = hbs.helpers as Record<string, CustomHelper>;
  const table: Record<string, CustomHelper> = Object.create(null);
  // The meter of the render in progress (renders may nest: a custom helper can render another template).
  let meter: RenderMeter | undefined;
  table.if = builtins.if!;
  table.each = function each(this: unknown, context: unknown, options: unknown) {
    return eachHelper.call(this, context, options as EachOptions, meter);
  };
  table.with = builtins.with!;
  // Handlebars' `unless` calls `instance.helpers.if`, which is no longer there.
  table.unless = function unless(this: unknown, conditional: unknown, options: unknown) {
    const { fn, inverse, hash } = options as { fn: unknown; inverse: unknown; hash: unknown };
    return table.if!.call(this, conditional, { fn: inverse, inverse: fn, hash });
  };
  for (const [name, helper] of Object.entries(BUILTIN_HELPERS) as [string, HelperSpec][])
    table[name] = helper.fn;
  const arity = new Map<string, { minArgs: number; maxArgs: number }>(helperArity());
  const knownHelpers: Record<string, boolean> = { log: false, lookup: true };
  for (const name of arity.keys()) knownHelpers[name] = true;
  for (const [name, helper] of Object.entries(customHelpers)) {
    if (!HELPER_NAME.test(name) || arity.has(name) || name === "log") {
      throw new TypeError(
        `Cannot register helper "${name}": ${arity.has(name) || name === "log" ? "that name is taken by a built-in helper" : "helper names must match [A-Za-z_][A-Za-z0-9_-]*"}. Choose another name.`,
      );
    }
    if (typeof helper !== "function") throw new TypeError(`Helper "${name}" must be a function.`);
    table[name] = helper;
    arity.set(name, { minArgs: 0, maxArgs: Number.POSITIVE_INFINITY });
    knownHelpers[name] = true;
  }
  // The block each message is wrapped in by compileMessages: renders its body into the current sink.
  let sink: string[] | undefined;
  table[MESSAGE_BLOCK] = function message(this: unknown, index: unknown, options: unknown) {
    const i = index as number;
    try {
      meter?.enter();
      // A program of a single mustache returns the value itself, not a string (Handlebars' "simple" path).
      const out: unknown = (options as HelperOptions).fn(this);
      const text = typeof out === "string" ? out : out === null || out === undefined ? "" : String(out);
      meter?.exit(text.length, undefined);
      sink![i] = text;
    } catch (error) {
      throw error instanceof MessageFailure ? error : new MessageFailure(i, error);
    }
    return "";
  };
  knownHelpers[MESSAGE_BLOCK] = true;
  // Only the hooks Handlebars itself needs stay registered (and so are copied per render).
  for (const name of Object.keys(hbs.helpers)) {
    if (name !== "helperMissing" && name !== "blockHelperMissing") hbs.unregisterHelper(name);
  }
  (hbs.helpers as Record<string, unknown>)[INTERNALS] = { ...lookups, h: table };
  // Sections (`{{#items}}…{{/items}}`) reach blockHelperMissing, whose Handlebars version calls
  // `instance.helpers.each`, which is no longer there (a section over an array failed with a TypeError).
  hbs.registerHelper("blockHelperMissing", function blockHelperMissing(this: unknown, context, options) {
    if (context === true) return options.fn(this);
    if (context === false || context === null || context === undefined) return options.inverse(this);
    if (Array.isArray(context)) {
      return context.length > 0 ? table.each!.call(this, context, options) : options.inverse(this);
    }
    return options.fn(context, options);
  });
  // Every partial call (registry, inline, `@partial-block`) goes through the environment's VM: counted here.
  const vm = hbs.VM as unknown as VmInternals;
  const invokePartial = vm.invokePartial;
  (hbs as unknown as { VM: VmInternals }).VM = {
    ...vm,
    invokePartial(this: unknown, partial, context, options) {
      const current = meter;
      if (current === undefined) return invokePartial.call(this, partial, context, options);
      current.expand(options.name, options.loc);
      current.enter();
      const out = invokePartial.call(this, partial, context, options);
      current.exit(typeof out === "string" ? out.length : 0, options.loc);
      return out;
    },
  };

  const compileOptions = {
    data: true,
    strict: true,
    noEscape: true,
    knownHelpers,
    knownHelpersOnly: true,
  };
  const internals = hbs as unknown as CompilerInternals;
  let compilations = 0;

  return {
    parse(content, source) {
      return source === "" ? hbs.parse(content) : hbs.parse(content, { srcName: source });
    },
    compile(ast) {
      compilations++;
      const environment = new internals.Compiler().compile(ast, { ...compileOptions });
      const spec = new internals.JavaScriptCompiler().compile(
        environment,
        { ...compileOptions },
        undefined,
        true,
      );
      return hbs.template(spec);
    },
    compileMessages(asts) {
      const wrapper = hbs.parse(
        asts.map((_, i) => `{{#promptreg_message ${i}}}{{/promptreg_message}}`).join(""),
      );
      wrapper.body.forEach((statement, i) => {
        const block = statement as hbs.AST.BlockStatement;
        const path = block.path as hbs.AST.PathExpression;
        path.parts = [MESSAGE_BLOCK];
        path.original = MESSAGE_BLOCK;
        block.program = asts[i]!;
      });
      return this.compile(wrapper);
    },
    renderMessages(template, data, count) {
      const previous = sink;
      const previousMeter = meter;
      const out: string[] = new Array(count);
      sink = out;
      meter = new RenderMeter();
      try {
        template(data, RUNTIME_OPTIONS);
      } finally {
        // Restored, not cleared: a custom helper may render another template re-entrantly.
        sink = previous;
        meter = previousMeter;
      }
      return out;
    },
    registerPartial(name, template) {
      hbs.registerPartial(name, template);
    },
    helpers: arity,
    get compilations() {
      return compilations;
    },
  };
}
