/**
 * A valid template version file for `id@version`, following the authoring rules at their defaults. By default it
 * takes one string input `text`, has one user message and two examples; `input`, `output` and `messages` replace
 * those blocks (YAML text, each ending with a newline) and `extra` is appended.
 */
export function templateYaml(options: {
  id: string;
  version: string;
  status?: "draft" | "published" | "deprecated";
  input?: string;
  output?: string;
  messages?: string;
  extra?: string;
}): string {
  const input =
    options.input ??
    `input:
  type: object
  properties:
    text: { type: string, maxLength: 1000, description: The text. }
  required: [text]
`;
  const messages =
    options.messages ??
    `messages:
  - role: user
    content: "{{text}}"
examples:
  - { name: one, input: { text: hi } }
  - { name: two, input: { text: hello } }
`;
  return `id: ${options.id}
version: ${options.version}
description: A test template.
owners: [team@acme.example]
status: ${options.status ?? "published"}
changelog: Test.
model:
  name: openai/gpt-4o-mini
${input}${options.output ?? ""}${messages}${options.extra ?? ""}`;
}
