import type { RunResponse, StreamEvent } from "@promptreg/client";
import { gutterBlock } from "./render-output.js";
import { terminalText } from "./terminal-text.js";

/** The one-block summary printed after a run (and after a stream's deltas): resolved ref, output, usage, cost. */
export function formatRunSummary(result: RunResponse): string {
  const { ref, usage } = result;
  const served =
    typeof result.metadata.servedModel === "string" ? `  model ${result.metadata.servedModel}` : "";
  const provider =
    typeof result.metadata.provider === "string" ? `  provider ${result.metadata.provider}` : "";
  const output = typeof result.output === "string" ? result.output : JSON.stringify(result.output, null, 2);
  const cost = result.cost === null ? "cost unknown" : `cost $${result.cost.toFixed(6)}`;
  const repairs = result.repairs ? `  repairs ${result.repairs}` : "";
  return [
    terminalText(`${ref.id}@${ref.version}${served}${provider}`),
    "--- output ---",
    gutterBlock(output),
    "--- usage ---",
    `tokens ${usage.promptTokens} prompt + ${usage.completionTokens} completion = ${usage.totalTokens}  ${cost}  latency ${result.latencyMs} ms${repairs}`,
    "",
  ].join("\n");
}

/**
 * Prints stream events as they arrive: deltas behind the `| ` gutter of `gutterBlock` (a line split across deltas
 * gets one gutter), a note on stderr when the service re-asks the model, then
 * the run summary. With `json`, one JSON object per line per event instead.
 */
export async function printStream(options: {
  events: AsyncIterable<StreamEvent>;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  json: boolean;
}): Promise<RunResponse> {
  const { events, stdout, stderr, json } = options;
  let final: RunResponse | undefined;
  const gutter = gutterWriter(stdout);
  for await (const event of events) {
    if (json) stdout.write(`${JSON.stringify(event)}\n`);
    if (event.type === "delta" && !json) {
      gutter.write(event.text);
    } else if (event.type === "repair" && !json) {
      gutter.endLine();
      stderr.write(
        `[promptreg] the reply failed the output schema (${terminalText(event.reason)}); the service re-asks the model (attempt ${event.attempt}); ignore the text above.\n`,
      );
    } else if (event.type === "final") {
      const { type: _type, ...result } = event;
      final = result;
    }
  }
  // The client throws IncompleteStreamError when no final event arrives, so `final` is set here.
  if (final === undefined) throw new Error("stream ended without a final event");
  if (!json) {
    gutter.endLine();
    stdout.write(`\n${formatRunSummary(final)}`);
  }
  return final;
}

/** Writes streamed text as `gutterBlock` would show it whole, remembering across writes whether a line is open. */
function gutterWriter(stdout: { write(chunk: string): unknown }): {
  write(text: string): void;
  endLine(): void;
} {
  let lineOpen = false;
  return {
    write(text) {
      const lines = terminalText(text, { block: true }).split("\n");
      let out = "";
      lines.forEach((segment, index) => {
        if (index > 0) {
          out += lineOpen ? "\n" : "|\n";
          lineOpen = false;
        }
        if (segment === "") return;
        out += lineOpen ? segment : `| ${segment}`;
        lineOpen = true;
      });
      if (out !== "") stdout.write(out);
    },
    endLine() {
      if (lineOpen) stdout.write("\n");
      lineOpen = false;
    },
  };
}
