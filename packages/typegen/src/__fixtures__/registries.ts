import { createMemoryStore, loadRegistry, type Registry } from "@promptreg/registry";
import { templateYaml } from "@promptreg/test-kit";

export { templateYaml };

const nameInput = (extra = "") => `input:
  type: object
  properties:
    name: { type: string, description: The name to greet. }
${extra}  required: [name]
`;

/**
 * Two templates: greeting/hello 1.0.0 (labelled production), 1.1.0 (an output schema, the latest published) and
 * 2.0.0 (a draft labelled next); support/triage 1.0.0 with enum input and a closed output object.
 */
export const twoTemplates: Record<string, string> = {
  "greeting/hello/1.0.0.yaml": templateYaml({
    id: "greeting/hello",
    version: "1.0.0",
    input: nameInput(),
    messages: 'prompt: "Greet {{name}}."\n',
  }),
  "greeting/hello/1.1.0.yaml": templateYaml({
    id: "greeting/hello",
    version: "1.1.0",
    input: nameInput(
      "    tone: { type: string, enum: [warm, formal], description: How the greeting sounds. }\n",
    ),
    output:
      "output:\n  type: object\n  properties:\n    greeting: { type: string }\n  required: [greeting]\n",
    messages: 'prompt: "Greet {{name}} {{tone}}."\n',
  }),
  "greeting/hello/2.0.0.yaml": templateYaml({
    id: "greeting/hello",
    version: "2.0.0",
    status: "draft",
    input:
      "input:\n  type: object\n  properties:\n    names: { type: array, items: { type: string } }\n  required: [names]\n",
    messages: 'prompt: "Greet {{names}}."\n',
  }),
  "greeting/hello/labels.yaml": "production: 1.0.0\nnext: 2.0.0\n",
  "support/triage/1.0.0.yaml": templateYaml({
    id: "support/triage",
    version: "1.0.0",
    input:
      "input:\n  type: object\n  properties:\n    ticket: { type: string }\n    channel: { type: string, enum: [email, chat] }\n  required: [ticket, channel]\n",
    output:
      "output:\n  type: object\n  properties:\n    priority: { type: string, enum: [P1, P2, P3] }\n  required: [priority]\n  additionalProperties: false\n",
    messages: 'prompt: "[{{channel}}] {{ticket}}"\n',
  }),
};

export function loadFiles(files: Record<string, string>): Promise<Registry> {
  return loadRegistry({ store: createMemoryStore(files) });
}
