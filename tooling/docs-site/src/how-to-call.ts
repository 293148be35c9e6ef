import type { TemplateView } from "./site-data.js";

/** The ready-to-run ways of calling one template, each for the same reference and input. */
export interface CallSnippets {
  /** The reference the snippets call: the `production` label when there is one, else the exact version shown. */
  reference: string;
  /** The example whose input the snippets send. */
  exampleName: string;
  input: Record<string, unknown>;
  /** TypeScript, `@promptreg/client` with the generated TemplateMap. */
  clientSdk: string;
  /** TypeScript, the official `openai` SDK against the OpenAI-compatible facade. */
  openAiSdk: string;
  /** bash, curl with the headers printed by `promptreg sign`. */
  curl: string;
  /** The CLI, for a first try. */
  cli: string;
}

const indent = (text: string, spaces: number) => text.replaceAll("\n", `\n${" ".repeat(spaces)}`);

/** The reference a caller should use: a label keeps the caller on what the owners promote. */
export function callReference(template: TemplateView): string {
  if (template.labels.production) return `${template.id}@production`;
  return `${template.id}@${template.shown.version}`;
}

/**
 * Snippets for one template, generated from its data so they stay right when the template changes: the reference,
 * the input of a real example of the version the reference resolves to, and the endpoint.
 */
export function callSnippets(template: TemplateView): CallSnippets {
  const reference = callReference(template);
  const targetVersion = template.labels.production ?? template.shown.version;
  const version =
    template.versions.find((view) => view.version.version === targetVersion) ?? template.versions[0]!;
  const example = version.examples[0];
  const input = example?.input ?? {};
  const inputJson = JSON.stringify(input, null, 2);
  const body = JSON.stringify({ ref: reference, input }, null, 2);
  const clientSdk = [
    'import { createClient } from "@promptreg/client";',
    "// Types for every reference: `promptreg types --from <url> --out src/promptreg.d.ts` (see docs/client.md).",
    'import type { TemplateMap } from "./promptreg.js";',
    "",
    "const promptreg = createClient<TemplateMap>({",
    "  baseUrl: process.env.PROMPTREG_URL!,",
    "  keyId: process.env.PROMPTREG_KEY_ID!,",
    "  secret: process.env.PROMPTREG_SECRET!,",
    "});",
    "",
    `const result = await promptreg.run(${JSON.stringify(reference)}, ${indent(inputJson, 0)});`,
    "console.log(result.output, result.usage, result.cost, result.ref.version);",
  ].join("\n");
  const openAiSdk = [
    'import { createSigningFetch } from "@promptreg/client";',
    'import OpenAI from "openai";',
    "",
    "const openai = new OpenAI({",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal of the generated TypeScript
    "  baseURL: `${process.env.PROMPTREG_URL}/v1`,",
    '  apiKey: "unused", // required by the SDK; the per-request signature authenticates',
    "  fetch: createSigningFetch({ keyId: process.env.PROMPTREG_KEY_ID!, secret: process.env.PROMPTREG_SECRET! }),",
    "});",
    "const completion = await openai.chat.completions.create({",
    `  model: ${JSON.stringify(`template:${reference}`)},`,
    "  messages: [], // the template owns the prompt",
    "  // @ts-expect-error: promptreg extension, forwarded as-is by the SDK",
    `  input: ${indent(inputJson, 2)},`,
    "});",
    "console.log(completion.choices[0]?.message.content);",
  ].join("\n");
  const curl = [
    "# From the repository root, with the service running (`pnpm start` writes the development credential;",
    "# PROMPTREG_KEY_ID + PROMPTREG_SECRET, or --key-id/--secret-file, sign as another client).",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a parameter expansion of the generated bash
    'PROMPTREG_URL="${PROMPTREG_URL:-http://127.0.0.1:3000}"',
    "body=$(cat <<'JSON'",
    body,
    "JSON",
    ")",
    'curl -sS --fail-with-body "$PROMPTREG_URL/v1/run" \\',
    "  -H 'content-type: application/json' \\",
    `  -H @<(printf '%s' "$body" | pnpm -s promptreg sign POST /v1/run --body - --format headers) \\`,
    '  --data-binary "$body"',
  ].join("\n");
  const cli = example
    ? `pnpm promptreg call run ${reference} --example ${example.name}`
    : `pnpm promptreg call run ${reference} --input input.json`;
  return {
    reference,
    exampleName: example?.name ?? "",
    input,
    clientSdk,
    openAiSdk,
    curl,
    cli,
  };
}
