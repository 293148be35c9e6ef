import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contentText, echoText, splitIntoChunks } from "./echo-text.js";

describe("echoText", () => {
  it("echoes the last user message, ignoring later assistant turns", () => {
    expect(
      echoText([
        { role: "user", content: "one" },
        { role: "user", content: "two" },
        { role: "assistant", content: "reply" },
      ]),
    ).toBe("Echo: two");
  });

  it("reads text content parts and says nothing extra when there is no user message", () => {
    expect(
      contentText([{ type: "text", text: "a" }, { type: "image_url" }, { type: "text", text: "b" }]),
    ).toBe("ab");
    expect(echoText([{ role: "system", content: "rules" }])).toBe("Echo: ");
  });

  it("never exceeds 200 characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 1000 }), (text) => {
        expect(echoText([{ role: "user", content: text }]).length).toBeLessThanOrEqual(200);
      }),
    );
  });
});

describe("splitIntoChunks", () => {
  it("rejoins to the original text in 4 to 8 chunks when the text has at least 4 characters", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 400, unit: "grapheme" }), (text) => {
        const chunks = splitIntoChunks(text);
        expect(chunks.join("")).toBe(text);
        expect(chunks.length).toBeGreaterThanOrEqual(4);
        expect(chunks.length).toBeLessThanOrEqual(8);
        expect(chunks.every((chunk) => chunk.length > 0)).toBe(true);
      }),
    );
  });

  it("splits on word boundaries when there are enough words", () => {
    expect(splitIntoChunks("Echo: one two three four five")).toEqual([
      "Echo: ",
      "one two ",
      "three ",
      "four five",
    ]);
  });
});
