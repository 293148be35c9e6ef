import fc from "fast-check";

/**
 * Generators for the fuzz suite: template trees written as files (YAML text, partials), JSON Schemas, inputs and
 * model replies. They aim at the edges issue 7 found (deep nesting, partial graphs that multiply, inline partials,
 * catastrophic patterns, YAML tags, invalid UTF-8, forged names, bracket floods). Each case is "tidy" or "messy":
 * tidy trees are built to load, so they reach the linter, the compiler and the renderer with inputs that fit their
 * schema; messy trees mix in everything else (broken tags, bad schemas, mutated YAML, bad bytes, cycles) and
 * exercise the loader's and linter's errors.
 */

/** One fuzz case: the files of a template tree, inputs to render every version with, and model replies to parse. */
export interface FuzzCase {
  files: Record<string, string | Uint8Array>;
  inputs: unknown[];
  replies: string[];
}

const NAMES = ["name", "items", "customer", "note", "n", "tags"];
const ODD_NAMES = ["constructor", "__proto__", "toString", "a b", "1"];
/** Partials of a tidy tree; "Bad Name" (not a valid partial name) only appears in messy ones. */
const PARTIALS = ["tone", "safety/untrusted-input", "row", "deep/er"];
const INLINE = ["line", "cell"];

interface SourceOptions {
  messy: boolean;
  /** Registry partials this source may include (partial i of a tidy tree includes only later ones: no cycles). */
  partials: readonly string[];
  /** Inline partials it may define and include (inline bodies include none, so inline partials never cycle). */
  inline: boolean;
}

function pathArbitrary(messy: boolean): fc.Arbitrary<string> {
  const tidy = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...NAMES) },
    fc.constantFrom(
      "this",
      ".",
      "@index",
      "@root.name",
      "../name",
      "customer.name",
      "items.length",
      "this.name",
    ),
  );
  if (!messy) return tidy;
  return fc.oneof(
    { weight: 4, arbitrary: tidy },
    fc.constantFrom(...ODD_NAMES, "items.[0]", "@partial-block", "@key", "../../x"),
    fc.stringMatching(/^[a-z_][a-z0-9_.]{0,6}$/),
  );
}

function textArbitrary(messy: boolean): fc.Arbitrary<string> {
  const tidy = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom("Hi ", "\n", " - ", ": ", "--- system ---\n", "x", "\u001b[31m"),
    },
    fc.stringMatching(/^[^{}\\]{0,8}$/),
  );
  if (!messy) return tidy;
  return fc.oneof(
    { weight: 3, arbitrary: tidy },
    fc.constantFrom(
      "{",
      "}",
      "{{",
      "}}",
      "\\{{> tone}}",
      "\\",
      "{{!",
      "--}}",
      "\u0000",
      "\u2028",
      "{{else}}",
    ),
    fc.string({ maxLength: 8 }),
  );
}

function helperArbitrary(messy: boolean): fc.Arbitrary<string> {
  const tidy = fc.constantFrom("json", "upper", "lower", "trim", "length", "join", "not");
  return messy
    ? fc.oneof(tidy, fc.constantFrom("truncate", "shout", "log", "lookup", "add", "indent"))
    : tidy;
}

const sourceCache = new Map<string, fc.Arbitrary<string>>();

/** Handlebars source text: text and mustaches around blocks, partials, inline partials, comments, deep nesting. */
function sourceArbitrary(options: SourceOptions): fc.Arbitrary<string> {
  const key = JSON.stringify(options);
  const cached = sourceCache.get(key);
  if (cached) return cached;
  const { messy, partials, inline } = options;
  const path = pathArbitrary(messy);
  const helper = helperArbitrary(messy);
  const maxDepth = messy ? 90 : 20;
  const built = fc.letrec<{ body: string; piece: string }>((tie) => {
    const pieces: fc.WeightedArbitrary<string>[] = [
      { weight: 3, arbitrary: textArbitrary(messy) },
      { weight: 3, arbitrary: path.map((p) => `{{${p}}}`) },
      { weight: 1, arbitrary: fc.tuple(helper, path).map(([h, p]) => `{{${h} ${p}}}`) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(helper, path, path)
          .map(([h, p, q]) => `{{#if (${h} (not ${p}))}}{{${q}}}{{/if}}`),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom("if", "unless", "each", "with"), path, tie("body"), fc.boolean())
          .map(
            ([block, p, body, closed]) =>
              `{{#${block} ${p}}}${body}${closed || !messy ? `{{/${block}}}` : ""}`,
          ),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(path, tie("body"))
          .map(([p, body]) => `{{#each ${p} as |item i|}}{{item}}{{i}}${body}{{/each}}`),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(path, tie("body"), tie("body"))
          .map(([p, a, b]) => `{{#if ${p}}}${a}{{else}}${b}{{/if}}`),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.string({ maxLength: 6 }).filter((s) => !s.includes("}}")),
            fc.boolean(),
          )
          .map(([s, long]) => (long ? `{{!-- ${s.replaceAll("--", "")} --}}` : `{{! ${s}}}`)),
      },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 1, max: maxDepth })
          .map((d) => `${"{{#if n}}".repeat(d)}x${"{{/if}}".repeat(d)}`),
      },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 1, max: maxDepth })
          .map((d) => `{{#if ${"(not ".repeat(d)}n${")".repeat(d)}}}x{{/if}}`),
      },
    ];
    if (partials.length > 0) {
      const partial = fc.constantFrom(...partials);
      pieces.push(
        { weight: 2, arbitrary: partial.map((name) => `{{> ${name}}}`) },
        { weight: 1, arbitrary: fc.tuple(partial, path).map(([name, p]) => `{{> ${name} ${p} label=${p}}}`) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(partial, tie("body"))
            .map(([name, body]) => `{{#> ${name}}}${body}{{/${name}}}`),
        },
        // Inside a partial block's body this prints the block; elsewhere Handlebars fails (a typed error).
        { weight: 1, arbitrary: partial.map((name) => `{{#> ${name}}}{{> @partial-block}}{{/${name}}}`) },
      );
    }
    if (inline) {
      const body = sourceArbitrary({ messy, partials, inline: false });
      pieces.push({
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(...INLINE), body)
          .map(([name, inner]) => `{{#*inline "${name}"}}${inner}{{/inline}}{{> ${name}}}`),
      });
    }
    if (messy) {
      pieces.push(
        {
          weight: 1,
          arbitrary: fc.constantFrom("{{> (lookup this 'x')}}", "{{*decorator}}", "{{{{raw}}}}x{{{{/raw}}}}"),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(...INLINE, "tone", "Bad Name", "missing").map((n) => `{{> ${n}}}`),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.constantFrom(...INLINE, "tone"), tie("body"))
            .map(([name, inner]) => `{{#*inline "${name}"}}${inner}{{> ${name}}}{{/inline}}{{> ${name}}}`),
        },
      );
    }
    return {
      body: fc.array(tie("piece"), { maxLength: 4 }).map((list) => list.join("")),
      piece: fc.oneof({ depthSize: "small", withCrossShrink: true }, ...pieces),
    };
  }).body;
  sourceCache.set(key, built);
  return built;
}

type Schema = Record<string, unknown>;

/** Property schemas of the registry's JSON Schema subset; messy ones mix in mistakes and odd names. */
function propertySchemaArbitrary(messy: boolean): fc.Arbitrary<Schema> {
  return fc.letrec<{ node: Schema; object: Schema }>((tie) => {
    const nodes: fc.WeightedArbitrary<Schema>[] = [
      {
        weight: 4,
        arbitrary: fc.integer({ min: 1, max: 40 }).map((maxLength) => ({ type: "string", maxLength })),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom<Schema>(
          { type: "string", pattern: "^(a+)+$" },
          { type: "string", pattern: "(x|x)*y" },
          { type: "string", format: "email" },
          { type: "string", format: "uri" },
          { type: "string", enum: ["a", "bb"], minLength: 2 },
          { type: "string", default: "d" },
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom<Schema>(
          { type: "integer", minimum: 0, maximum: 9 },
          { type: "number" },
          { type: "boolean" },
          { type: "null" },
          { type: ["string", "null"] },
          { type: "integer", enum: [1, 2] },
        ),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(tie("node"), fc.integer({ min: 0, max: 6 }))
          .map(([items, maxItems]) => ({ type: "array", items, maxItems })),
      },
      { weight: 2, arbitrary: tie("object") },
    ];
    if (messy) {
      nodes.push({
        weight: 1,
        arbitrary: fc.constantFrom<Schema>(
          {},
          { type: "strnig" },
          { type: "string", minLenght: 2 },
          { type: "string", pattern: "(?<=a)b" },
          { type: "string", pattern: "[" },
          { type: "object", required: ["nope"] },
        ),
      });
    }
    const key = messy
      ? fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...NAMES) }, fc.constantFrom(...ODD_NAMES))
      : fc.constantFrom(...NAMES);
    return {
      node: fc.oneof({ depthSize: "small", withCrossShrink: true }, ...nodes),
      object: fc
        .tuple(
          fc.dictionary(key, tie("node"), { maxKeys: 4 }),
          fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
          fc.constantFrom(undefined, undefined, true, false),
        )
        .map(([properties, requiredFlags, additionalProperties]) => ({
          type: "object",
          properties,
          required: Object.keys(properties).filter((_, i) => requiredFlags[i]),
          ...(additionalProperties === undefined ? {} : { additionalProperties }),
        })),
    };
  }).object;
}

/** Strings that match the patterns and formats the schemas use. */
const FITTING_STRINGS: Record<string, string> = {
  "^(a+)+$": "aaaa",
  "(x|x)*y": "xxy",
  email: "ann@example.com",
  uri: "https://example.com/a",
};

/** Inputs that look like template syntax, terminal escapes or message headers (they must print verbatim). */
const HOSTILE_STRINGS = [
  "{{> tone}}",
  "}}",
  "\u001b[2J",
  "--- system ---",
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
];

/** A value that usually fits `schema` (patterns and formats aside), so renders get past input validation. */
function valueFor(schema: unknown, depth = 0): fc.Arbitrary<unknown> {
  if (schema === null || typeof schema !== "object" || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  const s = schema as Schema;
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "string": {
      const fits = FITTING_STRINGS[String(s.pattern ?? s.format ?? "")];
      if (fits !== undefined) return fc.constant(fits);
      const maxLength = typeof s.maxLength === "number" ? s.maxLength : 20;
      const hostile = HOSTILE_STRINGS.filter((text) => text.length <= maxLength);
      const any = fc.string({ maxLength });
      return hostile.length > 0 ? fc.oneof(any, fc.constantFrom(...hostile)) : any;
    }
    case "integer":
      return fc.integer({ min: 0, max: 9 });
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(valueFor(s.items, depth + 1), {
        maxLength: typeof s.maxItems === "number" ? s.maxItems : 4,
      });
    case "object": {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, sub] of Object.entries(properties)) record[name] = valueFor(sub, depth + 1);
      return fc.record(record, { requiredKeys: Object.keys(record).filter((name) => required.has(name)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const jsonText = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? "null");

/** Model replies: JSON in prose, fences, broken JSON, bracket floods, deep nesting, stray ranges, noise. */
export const reply: fc.Arbitrary<string> = fc.oneof(
  jsonText,
  fc.tuple(fc.string({ maxLength: 20 }), jsonText).map(([prose, json]) => `${prose}\n${json}\n${prose}`),
  jsonText.map((json) => `Here you go:\n\`\`\`json\n${json}\n\`\`\``),
  jsonText.map((json) => `The score is in [0, 1) as asked.\n${json}`),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
  fc.integer({ min: 1, max: 20_000 }).map((n) => `{"a":${"[".repeat(n)}`),
  fc.integer({ min: 1, max: 3_000 }).map((n) => "{ [0, 1) } ".repeat(n)),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 100 }),
);

/** YAML fragments the loader must refuse or read as JSON would (never crash on, never silently change). */
const yamlNoise = fc.constantFrom(
  "x: !!binary aGVsbG8=",
  "when: !!timestamp 2001-12-14",
  "s: !!set { a, b }",
  "o: !!omap [ a: 1 ]",
  "a: &x [*x]",
  "%YAML 1.1\n---",
  "description: also here",
  "\t- tab",
  "k: 0o17",
  "? [complex]\n: key",
  "bad: *undefined_alias",
  "\u001b[31mred: 1",
  "'a\nb': 1",
);

interface TemplateParts {
  id: string;
  version: string;
  schema: Schema;
  messages: string[];
  literal: boolean;
  params: Record<string, unknown>;
  examples: unknown[];
  output: Schema | undefined;
}

/** A block literal cannot hold control characters other than newlines (YAML would refuse or fold them). */
function hasControl(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (
      (code < 0x20 && code !== 0x0a) ||
      code === 0x7f ||
      code === 0x85 ||
      code === 0x2028 ||
      code === 0x2029
    )
      return true;
  }
  return false;
}

/** A template file as YAML text: JSON for the structured parts, message content quoted or as a `|` block literal. */
function templateYaml(parts: TemplateParts): string {
  const lines = [
    `id: ${parts.id}`,
    `version: ${parts.version}`,
    "description: fuzz case",
    "owners: [fuzz@example.com]",
    "changelog: fuzz",
    `model: ${JSON.stringify({ name: "openai/gpt-4o-mini", params: parts.params })}`,
    `input: ${JSON.stringify(parts.schema)}`,
  ];
  if (parts.output) lines.push(`output: ${JSON.stringify(parts.output)}`);
  lines.push("messages:");
  parts.messages.forEach((content, index) => {
    lines.push(`  - role: ${index === 0 ? "system" : "user"}`);
    if (parts.literal && content !== "" && !/^[ \t]/.test(content) && !hasControl(content)) {
      lines.push("    content: |-", ...content.split("\n").map((line) => `      ${line}`));
    } else lines.push(`    content: ${JSON.stringify(content)}`);
  });
  if (parts.examples.length > 0) {
    const examples = parts.examples.map((example, i) => ({ name: `e${i}`, input: example }));
    lines.push(`examples: ${JSON.stringify(examples)}`);
  }
  return `${lines.join("\n")}\n`;
}

type Mutation =
  | { kind: "none" }
  | { kind: "insert"; at: number; what: string }
  | { kind: "cut"; at: number }
  | { kind: "bytes"; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "none" as const }) },
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    what: fc.oneof(yamlNoise, fc.string({ maxLength: 10 })),
  }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("bytes" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ min: 0x80, minLength: 1, maxLength: 3 }),
  }),
);

/** Insert YAML noise or a random string at a line start, cut the text, or insert bytes that may not be UTF-8. */
function mutate(text: string, change: Mutation): string | Uint8Array {
  if (change.kind === "none") return text;
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((match) => match.index + 1)];
  if (change.kind === "insert") {
    const at = lineStarts[change.at % lineStarts.length]!;
    return `${text.slice(0, at)}${change.what}\n${text.slice(at)}`;
  }
  if (change.kind === "cut") return text.slice(0, change.at % (text.length + 1));
  const bytes = Buffer.from(text, "utf8");
  const offset = change.at % (bytes.length + 1);
  return Uint8Array.from([...bytes.subarray(0, offset), ...change.bytes, ...bytes.subarray(offset)]);
}

/**
 * A chain of partials where each includes the next one twice (2^N paths), with contexts that differ in ways that do
 * and do not matter: the shape that made the linter exponential and that the render's expansion budget stops.
 */
const chainArbitrary: fc.Arbitrary<string[][]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<string[][]>([]) },
  fc.array(
    fc.array(fc.constantFrom("", " this", " @root", " @root.customer", " customer"), {
      minLength: 2,
      maxLength: 2,
    }),
    {
      minLength: 1,
      maxLength: 40,
      size: "max",
    },
  ),
);

function treeArbitrary(messy: boolean): fc.Arbitrary<FuzzCase> {
  const schema = propertySchemaArbitrary(messy);
  // Tidy messages start with text: an empty message is a load error.
  const messageSource = sourceArbitrary({
    messy,
    partials: messy ? [...PARTIALS, "Bad Name"] : PARTIALS,
    inline: true,
  }).map((source) => (messy ? source : `Hi ${source}`));
  const template = schema.chain((input) =>
    fc.record({
      id: messy ? fc.constantFrom("fuzz/t", "fuzz/t", "fuzz/T", "fuzz/t\nerror: x") : fc.constant("fuzz/t"),
      version: messy ? fc.constantFrom("1.0.0", "1.0.0", "v1.0.0", "1.0.0+b", "1.0") : fc.constant("1.0.0"),
      schema: messy
        ? fc.oneof(
            { weight: 6, arbitrary: fc.constant(input) },
            propertySchemaArbitrary(true).map((s) => s.properties as Schema),
          )
        : fc.constant(input),
      messages: fc.array(messageSource, { minLength: 1, maxLength: 3 }),
      literal: fc.boolean(),
      params: messy
        ? fc.constantFrom({}, { temperature: 0 }, { stream: true }, { fallbacks: ["x/y"] }, { messages: [] })
        : fc.constantFrom({}, { temperature: 0 }),
      examples: fc.array(messy ? fc.jsonValue({ maxDepth: 2 }) : valueFor(input), { maxLength: 2 }),
      output: fc.option(schema, { nil: undefined }),
      inputs: fc.array(fc.oneof({ weight: 4, arbitrary: valueFor(input) }, fc.jsonValue({ maxDepth: 2 })), {
        minLength: 1,
        maxLength: 3,
      }),
      mutation: messy ? mutation : fc.constant<Mutation>({ kind: "none" }),
    }),
  );
  const partialSources = fc.tuple(
    ...PARTIALS.map((_, i) =>
      sourceArbitrary({
        messy,
        partials: messy ? [...PARTIALS, "Bad Name"] : PARTIALS.slice(i + 1),
        inline: true,
      }),
    ),
  );
  return fc
    .record({
      templates: fc.array(template, { minLength: 1, maxLength: 2 }),
      partials: partialSources,
      dropped: messy ? fc.subarray([...PARTIALS, "Bad Name"], { maxLength: 2 }) : fc.constant([]),
      labels: messy
        ? fc.option(fc.constantFrom("production: 1.0.0\n", "latest: 1.0.0\n", "prod: 9.9.9\n", "- x\n"), {
            nil: undefined,
          })
        : fc.option(fc.constant("production: 1.0.0\n"), { nil: undefined }),
      replies: fc.array(reply, { minLength: 1, maxLength: 3 }),
      chain: chainArbitrary,
    })
    .map(({ templates, partials, dropped, labels, replies, chain }) => {
      const files: Record<string, string | Uint8Array> = {};
      templates.forEach((parts, index) => {
        const version = index === 0 ? parts.version : "1.1.0";
        // The first message includes the head of the chain of partials, if there is one.
        const messages =
          chain.length === 0
            ? parts.messages
            : [`${parts.messages[0]}{{> chain/p0}}`, ...parts.messages.slice(1)];
        files[`fuzz/t/${version}.yaml`] = mutate(
          templateYaml({ ...parts, messages, version }),
          parts.mutation,
        );
      });
      chain.forEach((contexts, i) => {
        const next = i + 1 < chain.length ? `chain/p${i + 1}` : "tone";
        files[`_partials/chain/p${i}.hbs`] = contexts.map((context) => `{{> ${next}${context}}}`).join("");
      });
      PARTIALS.forEach((name, i) => {
        files[`_partials/${name}.hbs`] = partials[i]!;
      });
      if (messy) files["_partials/Bad Name.hbs"] = "x";
      for (const name of dropped) delete files[`_partials/${name}.hbs`];
      if (labels !== undefined) files["fuzz/t/labels.yaml"] = labels;
      return { files, inputs: templates.flatMap((parts) => parts.inputs), replies };
    });
}

/** A fuzz case: three in five tidy (they load and render), the rest messy. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 3, arbitrary: treeArbitrary(false) },
  { weight: 2, arbitrary: treeArbitrary(true) },
);
