/**
 * The string formats a schema may assert (`format: email | uri | date-time | date | uuid`), checked as JSON Schema
 * 2020-12 defines them (the official test suite's optional format cases pass; see the conformance test). zod's own
 * checks are stricter or looser than the RFCs in places (no "~" in e-mail, RFC 4122 variants only for uuid, "T"
 * and "Z" upper case only, any WHATWG URL), so these are written out here. Every check is a bounded scan or a
 * regular expression without nested quantifiers: linear in the input.
 */
import { isIPv4, isIPv6 } from "node:net";

export const STRING_FORMATS = ["email", "uri", "date-time", "date", "uuid"] as const;
export type StringFormat = (typeof STRING_FORMATS)[number];

const DIGITS = (count: number) => `([0-9]{${count}})`;
const FULL_DATE = new RegExp(`^${DIGITS(4)}-${DIGITS(2)}-${DIGITS(2)}$`);
// RFC 3339 date-time; "T" and "Z" are case-insensitive (section 5.6, note).
const DATE_TIME = new RegExp(
  `^${DIGITS(4)}-${DIGITS(2)}-${DIGITS(2)}[Tt]${DIGITS(2)}:${DIGITS(2)}:${DIGITS(2)}(?:\\.[0-9]+)?(?:([Zz])|([+-])${DIGITS(2)}:${DIGITS(2)})$`,
);
// RFC 4122 / 9562 syntax: any version and variant nibble.
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** RFC 3339 full-date: `YYYY-MM-DD`. */
export function isDate(value: string): boolean {
  const match = FULL_DATE.exec(value);
  return match !== null && validDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** RFC 3339 date-time with a time zone; a leap second only where it can occur (23:59:60 in UTC). */
export function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, zulu, sign, offsetHour, offsetMinute] = match;
  if (!validDate(Number(year), Number(month), Number(day))) return false;
  const h = Number(hour);
  const m = Number(minute);
  const s = Number(second);
  if (h > 23 || m > 59 || s > 60) return false;
  let offset = 0;
  if (zulu === undefined) {
    const oh = Number(offsetHour);
    const om = Number(offsetMinute);
    if (oh > 23 || om > 59) return false;
    offset = (sign === "+" ? 1 : -1) * (oh * 60 + om);
  }
  if (s === 60) {
    const utcMinute = (((h * 60 + m - offset) % 1440) + 1440) % 1440;
    return utcMinute === 23 * 60 + 59;
  }
  return true;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;
const QUOTED_LOCAL = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function isHostname(host: string): boolean {
  return host.length > 0 && host.length <= 253 && host.split(".").every((label) => LABEL.test(label));
}

/** RFC 5321 mailbox: a dot-string or quoted local part, `@`, a host name or an address literal. */
export function isEmail(value: string): boolean {
  const at = value.lastIndexOf("@");
  if (at <= 0 || at === value.length - 1) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  const localOk = local.startsWith('"')
    ? QUOTED_LOCAL.test(local)
    : local.split(".").every((atom) => ATEXT.test(atom));
  if (!localOk) return false;
  if (domain.startsWith("[") && domain.endsWith("]")) {
    const literal = domain.slice(1, -1);
    return literal.startsWith("IPv6:") ? isIPv6(literal.slice(5)) : isIPv4(literal);
  }
  return isHostname(domain);
}

// RFC 3986 character classes (pct-encoded triplets are matched as a unit).
const PCT = "%[0-9A-Fa-f]{2}";
const UNRESERVED_SUB = "A-Za-z0-9\\-._~!$&'()*+,;=";
const chars = (extra: string) => new RegExp(`^(?:[${UNRESERVED_SUB}${extra}]|${PCT})*$`);
const USERINFO = chars(":");
const REG_NAME = chars("");
const SEGMENT = chars(":@");
const QUERY_OR_FRAGMENT = chars(":@/?");
const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
const PORT = /^[0-9]*$/;
const IP_FUTURE = /^[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/;

function isAuthority(authority: string): boolean {
  const at = authority.indexOf("@");
  if (at !== -1 && !USERINFO.test(authority.slice(0, at))) return false;
  const hostPort = authority.slice(at + 1);
  let host: string;
  let port = "";
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close === -1) return false;
    const literal = hostPort.slice(1, close);
    if (!isIPv6(literal) && !IP_FUTURE.test(literal)) return false;
    const rest = hostPort.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) return false;
    port = rest.slice(1);
    host = "";
  } else {
    const colon = hostPort.indexOf(":");
    host = colon === -1 ? hostPort : hostPort.slice(0, colon);
    port = colon === -1 ? "" : hostPort.slice(colon + 1);
  }
  return REG_NAME.test(host) && PORT.test(port);
}

/** RFC 3986 URI: a scheme, then the hierarchical part, query and fragment, with no character outside the RFC. */
export function isUri(value: string): boolean {
  const colon = value.indexOf(":");
  if (colon <= 0 || !SCHEME.test(value.slice(0, colon))) return false;
  let rest = value.slice(colon + 1);
  const hash = rest.indexOf("#");
  if (hash !== -1) {
    if (!QUERY_OR_FRAGMENT.test(rest.slice(hash + 1))) return false;
    rest = rest.slice(0, hash);
  }
  const question = rest.indexOf("?");
  if (question !== -1) {
    if (!QUERY_OR_FRAGMENT.test(rest.slice(question + 1))) return false;
    rest = rest.slice(0, question);
  }
  let path = rest;
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    const authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
    if (!isAuthority(authority)) return false;
    path = slash === -1 ? "" : rest.slice(slash);
  }
  return path.split("/").every((segment) => SEGMENT.test(segment));
}

const CHECKS: Record<StringFormat, (value: string) => boolean> = {
  email: isEmail,
  uri: isUri,
  "date-time": isDateTime,
  date: isDate,
  uuid: isUuid,
};

/** Whether `value` is a valid `format` string. */
export function matchesFormat(format: StringFormat, value: string): boolean {
  return CHECKS[format](value);
}
