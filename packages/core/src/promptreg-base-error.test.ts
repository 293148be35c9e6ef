import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasBrand, PromptregBaseError } from "./promptreg-base-error.js";

class WidgetError extends PromptregBaseError<"widget_broken" | "widget_missing"> {}

describe("PromptregBaseError", () => {
  it("carries code, origin, retryable and cause, with caller / not retryable by default", () => {
    const cause = new Error("disk");
    const error = new WidgetError({
      code: "widget_broken",
      message: "broken",
      origin: "upstream",
      retryable: true,
      cause,
    });
    expect(error).toMatchObject({
      code: "widget_broken",
      origin: "upstream",
      retryable: true,
      message: "broken",
    });
    expect(error.cause).toBe(cause);

    const plain = new WidgetError({ code: "widget_missing", message: "missing" });
    expect(plain).toMatchObject({ origin: "caller", retryable: false });
    // No cause given: none is recorded, so printed errors do not show "[cause]: undefined".
    expect("cause" in plain).toBe(false);
  });

  it("recognises errors from a second copy of the module, where instanceof fails", async () => {
    // The query string makes the module loader evaluate the file again: a second class, as with two installed
    // copies of @promptreg/core.
    const secondCopy = new URL("./promptreg-base-error.ts?second-copy", import.meta.url).href;
    const copy = (await import(secondCopy)) as typeof import("./promptreg-base-error.js");
    expect(copy.PromptregBaseError).not.toBe(PromptregBaseError);
    const foreign = new copy.PromptregBaseError({ code: "x", message: "from the other copy" });
    expect(foreign instanceof PromptregBaseError).toBe(false);
    expect(PromptregBaseError.is(foreign)).toBe(true);
    expect(copy.PromptregBaseError.is(new WidgetError({ code: "widget_broken", message: "m" }))).toBe(true);
  });

  it("is() refuses everything that is not a promptreg error", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(PromptregBaseError.is(value)).toBe(false);
      }),
    );
    expect(PromptregBaseError.is(new Error("plain"))).toBe(false);
    // A look-alike with the field names but without the brand is not one.
    expect(PromptregBaseError.is({ code: "widget_broken", origin: "caller", retryable: false })).toBe(false);
  });

  it("hasBrand needs the brand set to true, not merely present", () => {
    const brand = Symbol.for("promptreg.test.brand");
    expect(hasBrand({ [brand]: true }, brand)).toBe(true);
    expect(hasBrand({ [brand]: "yes" }, brand)).toBe(false);
    expect(hasBrand(null, brand)).toBe(false);
  });
});
