// The app a team outside this repository writes: copied into a fresh folder by fresh-app.ts, compiled with the
// packed packages' .d.ts (strict, skipLibCheck false) and run with plain node against the real service.
import { createClient, InvalidRequestError } from "@promptreg/client";
import { createEmbeddedClient } from "@promptreg/embedded";
import type { TemplateMap } from "./promptreg.js";

const credentials = {
  baseUrl: process.env.PROMPTREG_URL ?? "",
  keyId: process.env.PROMPTREG_KEY_ID ?? "",
  secret: process.env.PROMPTREG_SECRET ?? "",
};
const promptreg = createClient<TemplateMap>(credentials);
const ref = "support/summarize-ticket@1.1.0";
const input = { ticket: "The printer is on fire", customer_tier: "pro" as const };

const rendered = await promptreg.render(ref, input);
const ran = await promptreg.run(ref, input);
// Typed from the service's TemplateMap: `summary` is a string, not unknown.
const summary: string = ran.output.summary;

let deltas = 0;
let streamedSummary: string | undefined;
for await (const event of promptreg.stream(ref, input)) {
  if (event.type === "delta") deltas++;
  if (event.type === "final") streamedSummary = event.output.summary;
}

let typedError: string | undefined;
try {
  await promptreg.render(ref, { ticket: "" });
} catch (error) {
  if (InvalidRequestError.isInstance(error) && error.code === "input_invalid") typedError = error.code;
  else throw error;
}

const embedded = createEmbeddedClient(credentials);
const state = await embedded.start();
const local = embedded.render(ref, input);

console.log(
  JSON.stringify({
    rendered: { ref: rendered.ref, messages: rendered.messages.length },
    ran: { ref: ran.ref, summary },
    streamed: { deltas, summary: streamedSummary },
    typedError,
    embedded: {
      source: state.source,
      ref: local.ref,
      sameMessages: JSON.stringify(local.messages) === JSON.stringify(rendered.messages),
    },
  }),
);
