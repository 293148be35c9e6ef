import { parse } from "yaml";

/** One service of a compose file, after merge keys and variable interpolation, as compose would run it. */
export interface ComposeService {
  name: string;
  profiles: string[];
  image: string | undefined;
  /** `command` as an argv, or undefined when the image's CMD runs. */
  command: string[] | undefined;
  environment: Record<string, string>;
  /** Names of the top-level secrets mounted at `/run/secrets/<name>`. */
  secrets: string[];
  /** Bind mounts (the short syntax): `source` as written (relative to the compose file), `target` in the container. */
  volumes: { source: string; target: string }[];
  dependsOn: string[];
  /** `healthcheck`: disabled, or the exec-form argv of its `test` (after "CMD"), or undefined: the image's. */
  healthcheck: { disabled: true } | { disabled: false; command: string[] | undefined };
}

/**
 * Compose's variable interpolation (https://docs.docker.com/reference/compose-file/interpolation/): `$$` is a
 * literal `$`; `${VAR}` and `$VAR`; `${VAR:-default}` / `${VAR-default}`; `${VAR:?error}` / `${VAR?error}`, which
 * fail like `docker compose config` does when VAR is unset (or empty, with the colon); `${VAR:+alt}` / `${VAR+alt}`.
 */
export function interpolate(text: string, variables: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, colon?: string, operator?: string, argument?: string, bare?: string) => {
      if (match === "$$") return "$";
      const name = (braced ?? bare) as string;
      const value = variables[name];
      const unset = value === undefined || (colon === ":" && value === "");
      switch (operator) {
        case "-":
          return unset ? (argument ?? "") : (value as string);
        case "?":
          if (unset) throw new Error(`compose: required variable ${name} is missing a value: ${argument}`);
          return value as string;
        case "+":
          return unset ? "" : (argument ?? "");
        default:
          return value ?? "";
      }
    },
  );
}

function interpolateDeep(value: unknown, variables: Record<string, string | undefined>): unknown {
  if (typeof value === "string") return interpolate(value, variables);
  if (Array.isArray(value)) return value.map((entry) => interpolateDeep(entry, variables));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, entry]) => [key, interpolateDeep(entry, variables)]),
    );
  }
  return value;
}

function environmentOf(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (Array.isArray(raw)) {
    // The list form: ["KEY=value", ...]; a bare "KEY" takes the shell's value, which a test never relies on.
    return Object.fromEntries(
      raw.map((entry) => {
        const text = String(entry);
        const equals = text.indexOf("=");
        if (equals < 0) throw new Error(`compose: environment entry "${text}" has no value`);
        return [text.slice(0, equals), text.slice(equals + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).map(([key, value]) => [key, String(value ?? "")]),
  );
}

function commandOf(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw)) return raw.map(String);
  // The string form goes through a shell-like split in compose; this repository uses the exec (list) form only.
  throw new Error(`compose: command "${String(raw)}" is in the string form; use the list form`);
}

function volumesOf(raw: unknown): { source: string; target: string }[] {
  if (raw === undefined || raw === null) return [];
  return (raw as unknown[]).map((entry) => {
    if (typeof entry !== "string")
      throw new Error("compose: volumes use the short syntax here (source:target[:mode])");
    const [source, target] = entry.split(":");
    if (!source || !target) throw new Error(`compose: volume "${entry}" is not source:target[:mode]`);
    return { source, target };
  });
}

function healthcheckOf(raw: unknown): ComposeService["healthcheck"] {
  const check = (raw ?? {}) as { disable?: boolean; test?: unknown };
  if (check.disable === true) return { disabled: true };
  if (check.test === undefined) return { disabled: false, command: undefined };
  const test = Array.isArray(check.test) ? check.test.map(String) : [];
  if (test[0] === "NONE") return { disabled: true };
  if (test[0] !== "CMD") throw new Error(`compose: healthcheck test must use the ["CMD", ...] form here`);
  return { disabled: false, command: test.slice(1) };
}

function namesOf(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw))
    return raw.map((entry) =>
      typeof entry === "string" ? entry : String((entry as { source: string }).source),
    );
  return Object.keys(raw as Record<string, unknown>);
}

/**
 * The services of a compose file as compose resolves them: YAML merge keys (`<<: *anchor`) applied, variables
 * interpolated from `variables`. `profile` keeps the services that profile starts (its own and those without
 * profiles are not included: only the profile's, which is what `--profile scaled up <its services>` brings up).
 */
export function composeServices(
  text: string,
  { variables, profile }: { variables: Record<string, string | undefined>; profile?: string },
): ComposeService[] {
  const document = parse(text, { merge: true }) as { services?: Record<string, Record<string, unknown>> };
  const services: ComposeService[] = [];
  for (const [name, raw] of Object.entries(document.services ?? {})) {
    const profiles = ((raw.profiles as string[] | undefined) ?? []).map(String);
    if (profile !== undefined && !profiles.includes(profile)) continue;
    const resolved = interpolateDeep(raw, variables) as Record<string, unknown>;
    services.push({
      name,
      profiles,
      image: resolved.image === undefined ? undefined : String(resolved.image),
      command: commandOf(resolved.command),
      environment: environmentOf(resolved.environment),
      secrets: namesOf(resolved.secrets),
      volumes: volumesOf(resolved.volumes),
      dependsOn: namesOf(resolved.depends_on),
      healthcheck: healthcheckOf(resolved.healthcheck),
    });
  }
  return services;
}
