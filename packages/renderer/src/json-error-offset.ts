/**
 * Offset of the first syntax error in `source` (which JSON.parse rejected). Node's JSON.parse messages only
 * sometimes carry a position ("Unexpected token 'n', … is not valid JSON" does not), so this small scanner
 * finds it. Returns `source.length` when the text simply ends too early.
 *
 * Iterative, with an explicit stack of open containers: model replies are untrusted, and a recursive descent
 * overflowed the call stack on a few thousand nested brackets.
 */
export function jsonErrorOffset(source: string): number {
  const n = source.length;
  // Closers expected for the open containers, innermost last.
  const open: number[] = [];
  let i = 0;

  const space = () => {
    while (i < n) {
      const c = source.charCodeAt(i);
      if (c !== SPACE && c !== TAB && c !== LF && c !== CR) return;
      i++;
    }
  };
  /** Reads a string starting at the quote at `i`; returns false at a bad escape, control character or end. */
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = source.charCodeAt(i);
      if (c === QUOTE) {
        i++;
        return true;
      }
      if (c === BACKSLASH) {
        const next = source.charCodeAt(i + 1);
        if (next === LOWER_U) {
          for (let k = i + 2; k < i + 6; k++) if (!isHex(source.charCodeAt(k))) return false;
          i += 6;
        } else if (SIMPLE_ESCAPES.has(next)) i += 2;
        else return false;
      } else if (c < 0x20) return false;
      else i++;
    }
    return false;
  };
  /** `"key"` and `:` of an object member, whitespace around them included; false where they go wrong. */
  const key = (): boolean => {
    space();
    if (source.charCodeAt(i) !== QUOTE || !string()) return false;
    space();
    if (source.charCodeAt(i) !== COLON) return false;
    i++;
    return true;
  };
  const number = (): boolean => {
    if (source.charCodeAt(i) === MINUS) i++;
    const first = source.charCodeAt(i);
    if (first === ZERO) i++;
    else if (first > ZERO && first <= NINE) while (isDigit(source.charCodeAt(i))) i++;
    else return false;
    if (source.charCodeAt(i) === DOT && isDigit(source.charCodeAt(i + 1))) {
      i += 2;
      while (isDigit(source.charCodeAt(i))) i++;
    }
    const e = source.charCodeAt(i);
    if (e === LOWER_E || e === UPPER_E) {
      let j = i + 1;
      const sign = source.charCodeAt(j);
      if (sign === PLUS || sign === MINUS) j++;
      if (isDigit(source.charCodeAt(j))) {
        i = j + 1;
        while (isDigit(source.charCodeAt(i))) i++;
      }
    }
    return true;
  };

  for (;;) {
    // A value starts here.
    space();
    const c = source.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      i++;
      space();
      if (source.charCodeAt(i) === close) i++;
      else {
        open.push(close);
        if (close === CLOSE_BRACE && !key()) return Math.min(i, n);
        continue;
      }
    } else if (c === QUOTE) {
      if (!string()) return Math.min(i, n);
    } else if (c === LOWER_T || c === LOWER_F || c === LOWER_N) {
      // A wrong word (`neutral` for `null`) is reported where it starts.
      const word = c === LOWER_T ? "true" : c === LOWER_F ? "false" : "null";
      if (!source.startsWith(word, i)) return i;
      i += word.length;
    } else if (c === MINUS || isDigit(c)) {
      const start = i;
      if (!number()) return start;
    } else return Math.min(i, n);

    // After a value: a comma, the closer of the innermost container, or the end.
    for (;;) {
      space();
      const close = open[open.length - 1];
      if (close === undefined) return Math.min(i, n);
      const next = source.charCodeAt(i);
      if (next === COMMA) {
        i++;
        if (close === CLOSE_BRACE && !key()) return Math.min(i, n);
        break;
      }
      if (next !== close) return Math.min(i, n);
      i++;
      open.pop();
    }
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_T = 0x74;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_U = 0x75;
const SIMPLE_ESCAPES: ReadonlySet<number> = new Set([...'"\\/bfnrt'].map((char) => char.charCodeAt(0)));

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
