// A generated template tree for the registry benchmarks: ids x versions of one realistic template (nested input
// schema, output schema, two messages using a partial, two examples), labels per id and two partials.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export function templateText(id: string, version: string, index: number): string {
  return `# yaml-language-server: $schema=../../../schemas/template.schema.json
id: ${id}
version: ${version}
description: Summarise a support ticket (variant ${index}) for the agent who takes it over, keeping the customer's tone.
owners: [support-platform@acme.example, oncall-${index % 7}@acme.example]
tags: [support, summarization, team-${index % 5}]
status: ${index % 4 === 3 ? "draft" : "published"}
changelog: Variant ${index}; tightens the summary format and adds the customer's tier.
model:
  name: openai/gpt-4o-mini
  params: { temperature: 0.2, max_tokens: 400, top_p: 0.9 }
  fallbacks: [anthropic/claude-3-5-haiku]
input:
  type: object
  properties:
    ticket: { type: string, minLength: 1, maxLength: 20000, description: The ticket text. }
    tier: { type: string, enum: [free, pro, enterprise], default: free }
    customer:
      type: object
      properties:
        name: { type: string }
        email: { type: string, format: email }
        since: { type: string, format: date }
      required: [name]
    history: { type: array, items: { type: string }, maxItems: 20 }
    priority: { type: integer, minimum: 1, maximum: 5 }
  required: [ticket]
output:
  type: object
  properties:
    summary: { type: string, maxLength: 2000 }
    sentiment: { type: string, enum: [positive, neutral, negative] }
    next_steps: { type: array, items: { type: string } }
  required: [summary, sentiment]
messages:
  - role: system
    content: |
      You are a support lead at Acme. {{> support/tone}}
      Summarise the ticket in at most five bullet points, then give the customer's sentiment
      and the next steps for the agent. Answer as JSON with summary, sentiment and next_steps.
  - role: user
    content: |
      Customer: {{customer.name}} ({{tier}})
      Priority: {{priority}}
      {{#each history}}Earlier: {{this}}
      {{/each}}
      Ticket:
      {{ticket}}
examples:
  - name: short-ticket
    input: { ticket: "My invoice is wrong.", tier: pro, customer: { name: Ann, email: ann@example.com } }
  - name: escalation
    description: An angry enterprise customer with history.
    input:
      ticket: The export has failed three times today and our auditors are waiting.
      tier: enterprise
      priority: 1
      customer: { name: Bo, since: "2021-04-01" }
      history: [Export failed on Monday, Export failed on Tuesday]
`;
}

export async function generateTree({
  ids,
  versions,
}: {
  ids: number;
  /** Per id; at most 10 (versions 1.0.0-1.4.0 and 2.0.0-2.4.0, labels point at 1.2.0 and 2.4.0). */
  versions: number;
}): Promise<{ root: string; dir: string; files: string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), "promptreg-load-bench-"));
  const root = path.join(dir, "templates");
  const files: string[] = [];
  await mkdir(path.join(root, "_partials", "support"), { recursive: true });
  await writeFile(
    path.join(root, "_partials", "support", "tone.hbs"),
    "Be concise, warm and specific. {{> signature}}",
  );
  await writeFile(path.join(root, "_partials", "signature.hbs"), "Sign as the Acme support team.");
  for (let i = 0; i < ids; i++) {
    const id = `team-${i % 10}/template-${i}`;
    await mkdir(path.join(root, id), { recursive: true });
    for (let v = 0; v < versions; v++) {
      const version = `${1 + Math.floor(v / 5)}.${v % 5}.0`;
      const file = path.join(root, id, `${version}.yaml`);
      await writeFile(file, templateText(id, version, i * versions + v));
      files.push(file);
    }
    await writeFile(path.join(root, id, "labels.yaml"), "production: 1.2.0\nstaging: 2.4.0\n");
  }
  return { root, dir, files };
}
