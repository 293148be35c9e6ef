/**
 * Offset of the first syntax error in `source` (which JSON.parse rejected). Node's JSON.parse messages only
 * sometimes carry a position ("Unexpected token 'n', … is not valid JSON" does not), so this small scanner
 * finds it. Returns `source.length` when the text simply ends too early.
 */
export function jsonErrorOffset(source: string): number {
  let i = 0;
  const fail = (at: number): never => {
    throw new ScanStop(at);
  };
  const space = () => {
    while (i < source.length && " \t\n\r".includes(source[i]!)) i++;
  };
  const literal = (word: string) => {
    // A wrong word (`neutral` for `null`) is reported where it starts.
    if (source.startsWith(word, i)) i += word.length;
    else fail(i);
  };
  const string = () => {
    i++;
    while (i < source.length) {
      const char = source[i]!;
      if (char === '"') {
        i++;
        return;
      }
      if (char === "\\") {
        const next = source[i + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) fail(i);
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else fail(i);
      } else if (char.charCodeAt(0) < 0x20) fail(i);
      else i++;
    }
    fail(i);
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
    if (!match || match[0] === "" || match[0] === "-") fail(i);
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const char = source[i];
    if (char === "{") {
      i++;
      space();
      if (source[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (source[i] !== '"') fail(i);
        string();
        space();
        if (source[i] !== ":") fail(i);
        i++;
        value();
        space();
        if (source[i] === ",") {
          i++;
          continue;
        }
        if (source[i] === "}") {
          i++;
          return;
        }
        fail(i);
      }
    }
    if (char === "[") {
      i++;
      space();
      if (source[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (source[i] === ",") {
          i++;
          continue;
        }
        if (source[i] === "]") {
          i++;
          return;
        }
        fail(i);
      }
    }
    if (char === '"') string();
    else if (char === "t") literal("true");
    else if (char === "f") literal("false");
    else if (char === "n") literal("null");
    else if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) number();
    else fail(i);
  };
  try {
    value();
    space();
    return Math.min(i, source.length);
  } catch (error) {
    if (error instanceof ScanStop) return Math.min(error.at, source.length);
    throw error;
  }
}

class ScanStop {
  constructor(readonly at: number) {}
}
