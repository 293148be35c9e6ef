import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { thrownBy } from "@promptreg/test-kit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTempDir } from "./__fixtures__/run-cli.js";
import { InputFileError } from "./errors/input-file-error.js";
import { parseInputJson, readInputJson } from "./render-input.js";

let temp: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  temp = await makeTempDir();
});
afterEach(async () => {
  await temp.cleanup();
});

const noStdin = Readable.from([]);

describe("readInputJson", () => {
  it("reads a JSON object from a file relative to cwd", async () => {
    await writeFile(path.join(temp.dir, "in.json"), '{"ticket": "hello", "n": 2}');
    const input = await readInputJson({ source: "in.json", cwd: temp.dir, stdin: noStdin });
    expect(input).toEqual({ ticket: "hello", n: 2 });
  });

  it("reads stdin for '-', in several chunks and bytes", async () => {
    const stdin = Readable.from([Buffer.from('{"tick'), Buffer.from('et": "é"}')]);
    const input = await readInputJson({ source: "-", cwd: temp.dir, stdin });
    expect(input).toEqual({ ticket: "é" });
  });

  it("names a missing file and says how to fix it", async () => {
    const error = await readInputJson({ source: "missing.json", cwd: temp.dir, stdin: noStdin }).catch(
      (caught: unknown) => caught,
    );
    expect(InputFileError.isInstance(error)).toBe(true);
    const typed = error as InputFileError;
    expect(typed.problem).toBe("not_found");
    expect(typed.path).toBe("missing.json");
    expect(typed.message).toContain('"missing.json" does not exist');
  });

  it("reports bad JSON with the file name, line and column", async () => {
    await writeFile(path.join(temp.dir, "bad.json"), '{\n  "a": 1,\n}');
    const error = (await readInputJson({ source: "bad.json", cwd: temp.dir, stdin: noStdin }).catch(
      (caught: unknown) => caught,
    )) as InputFileError;
    expect(error.problem).toBe("invalid_json");
    expect(error.message).toMatch(/^bad\.json:3:1: input is not valid JSON/);
    expect(error.line).toBe(3);
    expect(error.column).toBe(1);
  });

  it("says stdin was empty", () => {
    expect(() => parseInputJson({ text: "  ", name: "<stdin>" })).toThrow(
      /<stdin>:1:1: input is not valid JSON \(it is empty\)/,
    );
  });
});

const jsonError = (text: string) => thrownBy(() => parseInputJson({ text, name: "in.json" }), InputFileError);

describe("bad input JSON carries line:col", () => {
  // Node's JSON.parse gives no position for these; the docs promise one for every syntax error.
  it.each([
    ["abc", 1, 1],
    ['{\n  "a": tru\n}', 2, 8],
    ['{"a":', 1, 6],
    ['{\n  "a": "x\ty"\n}', 2, 10],
    ["{'a': 1}", 1, 2],
    ['{"a": 1} // note', 1, 10],
    ["", 1, 1],
    ['{"a":\n\n', 1, 6],
  ])("%j -> %i:%i", (text, line, column) => {
    const error = jsonError(text);
    expect(error.problem).toBe("invalid_json");
    expect([error.line, error.column]).toEqual([line, column]);
    expect(error.message.startsWith(`in.json:${line}:${column}: input is not valid JSON`)).toBe(true);
  });

  it("every text JSON.parse refuses gets a position inside the text (property)", () => {
    const corrupted = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom("", "}", "{", ",", ":", '"', "x", "\n", "\u0000", "]"))
      .map(([json, at, insert]) => {
        const cut = at % (json.length + 1);
        return `{"k": ${json.slice(0, cut)}${insert}${json.slice(cut)}`;
      });
    fc.assert(
      fc.property(fc.oneof(corrupted, fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        fc.pre(!valid);
        const error = jsonError(text);
        const lines = text.split("\n");
        expect(error.line).toBeGreaterThanOrEqual(1);
        expect(error.line).toBeLessThanOrEqual(lines.length);
        expect(error.column).toBeGreaterThanOrEqual(1);
        expect(error.column).toBeLessThanOrEqual((lines[(error.line ?? 1) - 1]?.length ?? 0) + 1);
      }),
      { numRuns: 300 },
    );
  });
});

describe("parseInputJson", () => {
  it("rejects every JSON value that is not an object, naming its kind", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.jsonValue()),
          fc.string(),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.boolean(),
          fc.constant(null),
        ),
        (value) => {
          const error = thrownBy(() => parseInputJson({ text: JSON.stringify(value), name: "x.json" }));
          expect(InputFileError.isInstance(error)).toBe(true);
          expect((error as InputFileError).problem).toBe("not_an_object");
        },
      ),
    );
  });

  it("returns any JSON object unchanged", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        expect(parseInputJson({ text: JSON.stringify(value), name: "x.json" })).toEqual(
          JSON.parse(JSON.stringify(value)),
        );
      }),
    );
  });
});
