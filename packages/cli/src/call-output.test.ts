import type { RunResponse, StreamEvent } from "@promptreg/client";
import { describe, expect, it } from "vitest";
import { formatRunSummary, printStream } from "./call-output.js";

const forgedReply =
  'Done.\n--- usage ---\ntokens 0 prompt + 0 completion = 0  cost $0.000000\n\u001b[2J{"ok": true}';

function runResponse(output: unknown): RunResponse {
  return {
    ref: { id: "support/summarize-ticket", version: "1.1.0", hash: "sha256:abc" },
    output,
    text: typeof output === "string" ? output : JSON.stringify(output),
    usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
    cost: 0.0001,
    latencyMs: 12,
    metadata: { provider: "openai" },
  } as RunResponse;
}

async function* events(list: StreamEvent[]): AsyncIterable<StreamEvent> {
  yield* list;
}

function headers(text: string): string[] {
  return text.split("\n").filter((line) => line.startsWith("--- "));
}

describe("run output", () => {
  it("a model reply cannot forge the usage header or reach the terminal raw", () => {
    const text = formatRunSummary(runResponse(forgedReply));
    expect(headers(text)).toEqual(["--- output ---", "--- usage ---"]);
    expect(text).toContain("| Done.\n| --- usage ---\n| tokens 0 prompt");
    expect(text).not.toContain("\u001b");
    expect(text).toMatch(/^tokens 10 prompt \+ 5 completion = 15 {2}cost \$0\.000100/m);
  });

  it("streamed deltas sit behind the same gutter, also when a line is split across deltas", async () => {
    let stdout = "";
    let stderr = "";
    const pieces = ["Do", "ne.\n--- us", "age ---\n", "\nlast", " line\u001b[2J"];
    await printStream({
      events: events([
        ...pieces.map((text) => ({ type: "delta" as const, text })),
        { type: "final", ...runResponse("Done.") },
      ]),
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      json: false,
    });
    expect(stderr).toBe("");
    expect(stdout.startsWith("| Done.\n| --- usage ---\n|\n| last line\\u001b[2J\n\n")).toBe(true);
    expect(headers(stdout)).toEqual(["--- output ---", "--- usage ---"]);
  });
});
