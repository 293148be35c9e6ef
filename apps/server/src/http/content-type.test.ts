import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isJsonContentType } from "./content-type.js";

describe("isJsonContentType", () => {
  it.each([
    ["application/json", true],
    ["Application/JSON", true],
    ["application/json; charset=utf-8", true],
    ['application/json;charset="UTF-8"', true],
    ["application/json; charset=utf8", true],
    [undefined, false],
    ["", false],
    ["text/plain", false],
    ["application/jsonx", false],
    ["application/x-www-form-urlencoded", false],
    ["application/json; charset=latin1", false],
    ["application/json; boundary=x", false],
    ["application/json; charset", false],
  ])("%s -> %s", (value, expected) => {
    expect(isJsonContentType(value)).toBe(expected);
  });

  it("accepts exactly application/json with at most utf-8 charset parameters (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (value) => {
        const accepted = isJsonContentType(value);
        if (accepted) expect(value.split(";")[0]!.trim().toLowerCase()).toBe("application/json");
      }),
    );
  });
});
