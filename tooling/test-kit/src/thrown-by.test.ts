import { describe, expect, expectTypeOf, it } from "vitest";
import { rejectionOf, thrownBy } from "./thrown-by.js";

class WidgetError extends Error {
  readonly field = "widget";
  static isInstance(value: unknown): value is WidgetError {
    return value instanceof WidgetError;
  }
}

describe("thrownBy", () => {
  it("returns what the call threw, typed by the guard", () => {
    const error = thrownBy(() => {
      throw new WidgetError("bad widget");
    }, WidgetError.isInstance);
    expectTypeOf(error).toEqualTypeOf<WidgetError>();
    expect(error.field).toBe("widget");
    expect(thrownBy(() => JSON.parse("{"))).toBeInstanceOf(SyntaxError);
  });

  it("rethrows an error the guard refuses, unchanged", () => {
    const other = new RangeError("something else");
    const fails = () =>
      thrownBy(() => {
        throw other;
      }, WidgetError.isInstance);
    expect(fails).toThrow(other);
  });

  it("fails when the call does not throw", () => {
    expect(() => thrownBy(() => 42)).toThrow("expected the call to fail, but it returned a value");
    expect(() => thrownBy(() => undefined)).toThrow("expected the call to fail, but it completed");
  });
});

describe("rejectionOf", () => {
  it("returns the rejection of a promise or of a function's promise, typed by the guard", async () => {
    const error = await rejectionOf(Promise.reject(new WidgetError("late")), WidgetError.isInstance);
    expectTypeOf(error).toEqualTypeOf<WidgetError>();
    expect(error.message).toBe("late");
    expect(await rejectionOf(async () => Promise.reject(new Error("x")))).toBeInstanceOf(Error);
  });

  it("rethrows a refused rejection and fails when the promise resolves", async () => {
    const other = new TypeError("other");
    await expect(rejectionOf(Promise.reject(other), WidgetError.isInstance)).rejects.toBe(other);
    await expect(rejectionOf(Promise.resolve("fine"))).rejects.toThrow("expected the promise to fail");
  });
});
