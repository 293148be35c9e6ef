import { describe, expect, it } from "vitest";
import { parseFencedBlocks } from "./markdown-blocks.js";

describe("parseFencedBlocks", () => {
  it("parses language, key=value attributes (quoted or not), flags and content", () => {
    const markdown = [
      "Intro",
      '```yaml file=templates/a/1.0.0.yaml expect-error=unknown_key at=3:1 note="two words"',
      "id: a",
      "```",
      "",
      "```text resolve",
      "a -> 1.0.0",
      "```",
    ].join("\n");
    const [first, second] = parseFencedBlocks(markdown);
    expect(first).toEqual({
      language: "yaml",
      attributes: {
        file: "templates/a/1.0.0.yaml",
        "expect-error": "unknown_key",
        at: "3:1",
        note: "two words",
      },
      flags: [],
      content: "id: a\n",
      line: 2,
    });
    expect(second).toMatchObject({ language: "text", flags: ["resolve"], content: "a -> 1.0.0\n", line: 6 });
  });

  it("keeps shorter fences inside a longer one as content", () => {
    const markdown = ["````markdown", "```yaml", "x: 1", "```", "````"].join("\n");
    const blocks = parseFencedBlocks(markdown);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.content).toBe("```yaml\nx: 1\n```\n");
  });

  it("rejects an unclosed fence instead of silently dropping the rest of the document", () => {
    expect(() => parseFencedBlocks("```yaml file=x\nid: a\n")).toThrow(
      /Unclosed code fence opened at line 1/,
    );
  });
});
