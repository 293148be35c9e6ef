/**
 * Whether a Content-Type names UTF-8 JSON: `application/json`, in any case, with no parameter but an optional
 * `charset=utf-8` (quoted or not). Linear in the header's length: no regular expression runs on it.
 */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [mediaType = "", ...parameters] = value.split(";");
  if (mediaType.trim().toLowerCase() !== "application/json") return false;
  for (const parameter of parameters) {
    const equals = parameter.indexOf("=");
    if (equals === -1) return false;
    const name = parameter.slice(0, equals).trim().toLowerCase();
    let setting = parameter
      .slice(equals + 1)
      .trim()
      .toLowerCase();
    if (setting.length >= 2 && setting.startsWith('"') && setting.endsWith('"'))
      setting = setting.slice(1, -1);
    if (name !== "charset" || (setting !== "utf-8" && setting !== "utf8")) return false;
  }
  return true;
}
