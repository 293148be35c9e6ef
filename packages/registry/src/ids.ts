import semver from "semver";

/** Longest template id accepted, in characters. */
export const MAX_ID_LENGTH = 128;

const SEGMENT = /^[a-z0-9][a-z0-9-]*$/;
const LABEL = /^[a-z][a-z0-9-]*$/;
const FIRST_DIGIT = /^[0-9]/;

/** Why `id` is not a valid template id, with the 0-based offset of the first bad character, or undefined when valid. */
export function checkTemplateId(id: string): { position: number; reason: string } | undefined {
  if (id.length === 0) return { position: 0, reason: "the id is empty" };
  if (id.length > MAX_ID_LENGTH) {
    return { position: MAX_ID_LENGTH, reason: `the id is longer than ${MAX_ID_LENGTH} characters` };
  }
  let offset = 0;
  for (const segment of id.split("/")) {
    if (segment.length === 0) {
      return {
        position: offset,
        reason: 'empty id segment (ids must not start or end with "/" or contain "//")',
      };
    }
    if (!SEGMENT.test(segment)) {
      const bad = [...segment].findIndex((char, index) =>
        index === 0 ? !/[a-z0-9]/.test(char) : !/[a-z0-9-]/.test(char),
      );
      const char = segment[Math.max(0, bad)] ?? "";
      const why = /[A-Z]/.test(char)
        ? `uppercase "${char}" is not allowed (use "${char.toLowerCase()}")`
        : bad === 0
          ? `a segment must start with a-z or 0-9, found "${char}"`
          : `"${char}" is not allowed in an id (only a-z, 0-9, "-" and "/" between segments)`;
      return { position: offset + Math.max(0, bad), reason: why };
    }
    offset += segment.length + 1;
  }
  return undefined;
}

export function isTemplateId(id: string): boolean {
  return checkTemplateId(id) === undefined;
}

/** Strict semver (prereleases allowed; no build metadata, no leading "v" or "="), written canonically. */
export function isStrictSemver(version: string): boolean {
  // semver.valid throws and catches internally on anything that is not a version (~6 µs each); every strict
  // version starts with a digit, so labels, ranges and "latest" are rejected before that.
  return FIRST_DIGIT.test(version) && semver.valid(version) === version;
}

export function isLabelName(label: string): boolean {
  return LABEL.test(label);
}
