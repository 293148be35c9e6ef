// The representative template of the render benchmark, shared with ad-hoc profiling scripts.
export const SYSTEM =
  "You are a support lead at {{company}}. The customer is on the {{tier}} plan.{{#if vip}} Treat them as a VIP.{{/if}} Answer in {{language}}.";
export const USER =
  'Ticket: {{ticket}}\n\nHistory:\n{{#each history}}{{add @index 1}}. [{{author}}] {{text}} (tags: {{join tags ", "}})\n{{/each}}\nSummarise the ticket and propose next steps.';

export const TEMPLATE_YAML = `id: bench/triage
version: 1.0.0
description: Benchmark template.
owners: [bench@example.com]
status: published
changelog: First.
model: { name: openai/gpt-4o-mini, params: { temperature: 0 } }
input:
  type: object
  properties:
    company: { type: string }
    tier: { type: string, enum: [free, pro, enterprise], default: free }
    vip: { type: boolean }
    language: { type: string, default: English }
    ticket: { type: string, minLength: 1 }
    history:
      type: array
      maxItems: 50
      items:
        type: object
        properties:
          author: { type: string }
          text: { type: string }
          tags: { type: array, items: { type: string } }
        required: [author, text, tags]
  required: [company, ticket, history]
messages:
  - role: system
    content: ${JSON.stringify(SYSTEM)}
  - role: user
    content: ${JSON.stringify(USER)}
`;

export const DOTPROMPT_SOURCE = `---
model: openai/gpt-4o-mini
---
{{role "system"}}
${SYSTEM}
{{role "user"}}
${USER}`;

export const input = {
  company: "Acme",
  tier: "pro",
  vip: true,
  language: "English",
  ticket:
    "My card was charged twice for March and nobody answers my emails. Please refund the duplicate today.",
  history: Array.from({ length: 8 }, (_, i) => ({
    author: i % 2 === 0 ? "customer" : "agent",
    text: `Message number ${i + 1} in the thread, with a sentence or two of realistic length to render.`,
    tags: ["billing", i % 3 === 0 ? "urgent" : "normal"],
  })),
};
