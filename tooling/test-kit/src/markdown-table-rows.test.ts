import { describe, expect, it } from "vitest";
import { markdownTableRows } from "./markdown-table-rows.js";

const DOC = `# Title

## Errors

Text.

| class | code |
| --- | --- |
| \`AError\` | \`a_failed\` |
| \`ZError\` | "x" \\| "y" |

### Sub-section, still inside

| \`BError\` | \`b_failed\` |

## Next

| \`CError\` | \`c_failed\` |
`;

describe("markdownTableRows", () => {
  it("reads the table rows of one section, sub-sections included, up to the next heading of its level", () => {
    expect(markdownTableRows(DOC, "## Errors")).toEqual([
      ["class", "code"],
      ["---", "---"],
      ["`AError`", "`a_failed`"],
      ["`ZError`", '"x" \\| "y"'],
      ["`BError`", "`b_failed`"],
    ]);
  });

  it("fails on a heading the document does not have, instead of checking nothing", () => {
    expect(() => markdownTableRows(DOC, "## Missing")).toThrow('no heading "## Missing"');
  });
});
