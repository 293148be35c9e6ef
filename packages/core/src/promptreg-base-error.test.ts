import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasBrand, PromptregBaseError } from "./promptreg-base-error.js";

class WidgetError extends PromptregBaseError<"widget_broken" | "widget_missing"> {}

class GadgetError extends PromptregBaseError<"gadget_broken"> {
  static override readonly brand: symbol = Symbol.for("promptreg.test.gadget-error");
  readonly part = "lever";
}

class GadgetJamError extends GadgetError {
  static override readonly brand: symbol = Symbol.for("promptreg.test.gadget-jam-error");
}

class GizmoError extends PromptregBaseError<"gizmo_broken"> {
  static override readonly brand: symbol = Symbol.for("promptreg.test.gizmo-error");
}

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

  it("X.is comes from the base: true for the class and its subclasses, by their declared brands", () => {
    const jam = new GadgetJamError({ code: "gadget_broken", message: "jammed" });
    const gadget = new GadgetError({ code: "gadget_broken", message: "broken" });
    const gizmo = new GizmoError({ code: "gizmo_broken", message: "broken" });
    expect([GadgetJamError.is(jam), GadgetError.is(jam), PromptregBaseError.is(jam)]).toEqual([
      true,
      true,
      true,
    ]);
    expect([GadgetJamError.is(gadget), GadgetError.is(gadget)]).toEqual([false, true]);
    expect([GadgetError.is(gizmo), GizmoError.is(gadget), GizmoError.isInstance(gizmo)]).toEqual([
      false,
      false,
      true,
    ]);
    // A look-alike from another copy of the package carries the same Symbol.for brands.
    expect(GadgetJamError.is({ [Symbol.for("promptreg.test.gadget-jam-error")]: true })).toBe(true);
    // Narrowed to the class: its own fields type-check.
    const caught: unknown = jam;
    if (GadgetError.is(caught)) expect(caught.part).toBe("lever");
    // A class without its own brand shares its parent's (WidgetError: any promptreg error).
    expect(WidgetError.is(gizmo)).toBe(true);
  });

  it("hasBrand needs the brand set to true, not merely present", () => {
    const brand = Symbol.for("promptreg.test.brand");
    expect(hasBrand({ [brand]: true }, brand)).toBe(true);
    expect(hasBrand({ [brand]: "yes" }, brand)).toBe(false);
    expect(hasBrand(null, brand)).toBe(false);
  });
});
