import { didYouMean } from "@promptreg/core";
import { type PathSegment, parseYamlSource } from "@promptreg/registry";
import { z } from "zod";
import { ConfigError, type ConfigProblem } from "./errors/config-error.js";
import type { RuleCode } from "./rule-codes.js";
import { isRuleCode, RULE_SEVERITIES, RULES, type RuleOptions, type RuleSeverity } from "./rules.js";

/** The file name `promptreg` looks for (see `findConfigFile`). */
export const CONFIG_FILE_NAME = "promptreg.config.yaml";

export interface RuleSetting<Code extends RuleCode = RuleCode> {
  severity: RuleSeverity;
  options: RuleOptions<Code>;
  /**
   * Templates the rule skips: `id` (every version) or `id@version`. For versions that predate a rule and are
   * published (so cannot change); new versions are checked.
   */
  exclude: string[];
}

export type RuleSettings = { [Code in RuleCode]: RuleSetting<Code> };

/** USD per one million tokens, the shape of the gateway's `ModelPrice`. */
export interface ModelPriceSetting {
  input: number;
  output: number;
  cachedInput?: number;
}

/**
 * Paths of a repository's promptreg files, "/"-separated and relative to the repository root (the folder holding
 * `.git` above the config file, else the config file's folder).
 */
export interface PolicyPaths {
  templates: string;
  /** Default `<templates>/promptreg.lock`. */
  lockfile: string;
  /** Golden renders; default `<templates>/_snapshots` (the loader ignores top-level `_` folders). */
  snapshots: string;
  /** Unset: the first of .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS that holds promptreg's section. */
  codeowners?: string;
}

export interface PolicyConfig {
  /** The file the settings came from, as named to the user; undefined for the built-in defaults. */
  source?: string;
  paths: PolicyPaths;
  /** Merged over the gateway's built-in price table by `promptreg review`. */
  prices: Readonly<Record<string, ModelPriceSetting>>;
  rules: RuleSettings;
}

const CONFIG_KEYS = ["templates", "lockfile", "snapshots", "codeowners", "prices", "rules"] as const;

const relativePath = z
  .string()
  .min(1)
  .refine((value) => !value.includes("\\"), "use / to separate folders")
  .refine((value) => !value.startsWith("/") && !/^[a-zA-Z]:/.test(value), {
    message: "must be relative to the repository root",
  })
  .refine((value) => !value.split("/").includes(".."), {
    message: 'must stay inside the repository (no ".." segments)',
  })
  .transform((value) =>
    value
      .split("/")
      .filter((segment) => segment !== "" && segment !== ".")
      .join("/"),
  )
  .refine((value) => value !== "", "must name a file or folder below the repository root");

const excludeSchema = z.array(
  z.string().regex(/^[a-z0-9][a-z0-9/_-]*(@[0-9A-Za-z.+-]+)?$/, "expected <id> or <id>@<version>"),
);

const priceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  cachedInput: z.number().min(0).optional(),
});

const topSchema = z.strictObject({
  templates: relativePath.optional(),
  lockfile: relativePath.optional(),
  snapshots: relativePath.optional(),
  codeowners: relativePath.optional(),
  prices: z.record(z.string().regex(/^\S+$/, "model names have no spaces"), priceSchema).optional(),
  rules: z.record(z.string(), z.unknown()).optional(),
});

function defaultRuleSettings(): RuleSettings {
  const settings: Record<string, RuleSetting> = {};
  for (const [code, definition] of Object.entries(RULES)) {
    settings[code] = {
      severity: definition.defaultSeverity,
      options: definition.options.parse({}) as RuleOptions<RuleCode>,
      exclude: [],
    };
  }
  return settings as RuleSettings;
}

function derivedPaths(templates: string, explicit: Partial<PolicyPaths>): PolicyPaths {
  return {
    templates,
    lockfile: explicit.lockfile ?? `${templates}/promptreg.lock`,
    snapshots: explicit.snapshots ?? `${templates}/_snapshots`,
    ...(explicit.codeowners === undefined ? {} : { codeowners: explicit.codeowners }),
  };
}

/** What a repository without promptreg.config.yaml gets (`templates/` and every rule's default). */
export function defaultConfig(options: { templates?: string } = {}): PolicyConfig {
  return {
    paths: derivedPaths(options.templates ?? "templates", {}),
    prices: {},
    rules: defaultRuleSettings(),
  };
}

/**
 * The same config with another template root (`--dir`): derived paths (lockfile, snapshots) follow it unless the
 * file set them explicitly.
 */
export function withTemplateRoot(config: PolicyConfig, templates: string): PolicyConfig {
  const explicit = config.paths;
  const defaults = derivedPaths(explicit.templates, {});
  return {
    ...config,
    paths: derivedPaths(templates, {
      ...(explicit.lockfile === defaults.lockfile ? {} : { lockfile: explicit.lockfile }),
      ...(explicit.snapshots === defaults.snapshots ? {} : { snapshots: explicit.snapshots }),
      ...(explicit.codeowners === undefined ? {} : { codeowners: explicit.codeowners }),
    }),
  };
}

function dotted(path: readonly PathSegment[]): string {
  return path.map(String).join(".");
}

/**
 * Parses promptreg.config.yaml. Throws `ConfigError` listing every problem (YAML syntax, unknown keys and rule
 * names with "did you mean", bad severities and options) with its line and column.
 */
export function parseConfig({ text, file }: { text: string; file: string }): PolicyConfig {
  const parsed = parseYamlSource({ text, file });
  if (!parsed.ok) {
    throw new ConfigError({
      file,
      problems: parsed.problems.map(({ line, column, message }) => ({ line, column, path: "", message })),
    });
  }
  const problems: ConfigProblem[] = [];
  const { locator } = parsed;
  const report = (path: readonly PathSegment[], message: string, key = false) => {
    const { line, column } = locator.locate(path, { key });
    problems.push({ line, column, path: dotted(path), message });
  };
  const value = parsed.value ?? {};
  if (typeof value !== "object" || Array.isArray(value)) {
    report([], `${file} must be a mapping with keys such as templates and rules, got ${typeof value}.`);
    throw new ConfigError({ file, problems });
  }
  const top = topSchema.safeParse(value);
  if (!top.success) {
    reportZodIssues({ issues: top.error.issues, at: [], report, known: () => [...CONFIG_KEYS] });
    throw new ConfigError({ file, problems });
  }
  const rules = defaultRuleSettings() as Record<RuleCode, RuleSetting>;
  for (const [name, setting] of Object.entries(top.data.rules ?? {})) {
    if (!isRuleCode(name)) {
      report(
        ["rules", name],
        `Unknown rule "${name}".${didYouMean(name, Object.keys(RULES))} Rules: see docs/rules.md.`,
        true,
      );
      continue;
    }
    const parsedSetting = parseRuleSetting({ code: name, setting, at: ["rules", name], report });
    if (parsedSetting) rules[name] = parsedSetting;
  }
  for (const [code, option] of [
    ["required_partial", "partials"],
    ["output_format_partial", "partial"],
  ] as const) {
    const setting = rules[code];
    const value = (setting.options as Record<string, unknown>)[option];
    const empty = value === undefined || (Array.isArray(value) && value.length === 0);
    if (setting.severity !== "off" && empty && Object.hasOwn(top.data.rules ?? {}, code)) {
      report(
        ["rules", code],
        `${code} is on but has no ${option}; name the partial${option === "partials" ? "s" : ""} it requires.`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError({ file, problems });
  const data = top.data;
  return {
    source: file,
    paths: derivedPaths(data.templates ?? "templates", {
      ...(data.lockfile === undefined ? {} : { lockfile: data.lockfile }),
      ...(data.snapshots === undefined ? {} : { snapshots: data.snapshots }),
      ...(data.codeowners === undefined ? {} : { codeowners: data.codeowners }),
    }),
    prices: data.prices ?? {},
    rules: rules as RuleSettings,
  };
}

function parseRuleSetting(options: {
  code: RuleCode;
  setting: unknown;
  at: PathSegment[];
  report: (path: readonly PathSegment[], message: string, key?: boolean) => void;
}): RuleSetting | undefined {
  const { code, setting, at, report } = options;
  const definition = RULES[code];
  const severities = RULE_SEVERITIES.join(", ");
  if (typeof setting === "string") {
    if (!(RULE_SEVERITIES as readonly string[]).includes(setting)) {
      report(
        at,
        `Severity of ${code} must be one of ${severities}, got "${setting}".${didYouMean(setting, RULE_SEVERITIES)}`,
      );
      return undefined;
    }
    return {
      severity: setting as RuleSeverity,
      options: definition.options.parse({}) as RuleOptions<RuleCode>,
      exclude: [],
    };
  }
  if (typeof setting !== "object" || setting === null || Array.isArray(setting)) {
    report(at, `${code} takes a severity (${severities}) or a mapping { severity, ...options }.`);
    return undefined;
  }
  const { severity = definition.defaultSeverity, exclude = [], ...rest } = setting as Record<string, unknown>;
  let ok = true;
  const excludes = excludeSchema.safeParse(exclude);
  if (!excludes.success) {
    report(
      [...at, "exclude"],
      `exclude must be a list of template ids or id@version references, e.g. [support/triage-ticket@1.0.0]: ${excludes.error.issues[0]?.message ?? "invalid"}.`,
    );
    ok = false;
  }
  if (typeof severity !== "string" || !(RULE_SEVERITIES as readonly string[]).includes(severity)) {
    report([...at, "severity"], `severity must be one of ${severities}, got ${JSON.stringify(severity)}.`);
    ok = false;
  }
  const parsedOptions = definition.options.safeParse(rest);
  if (!parsedOptions.success) {
    const known = Object.keys(definition.options.shape);
    reportZodIssues({
      issues: parsedOptions.error.issues,
      at,
      report,
      known: (path) => (path.length === 0 ? ["severity", "exclude", ...known] : []),
      describeNoOptions:
        known.length === 0 ? `${code} has no options besides severity and exclude.` : undefined,
    });
    return undefined;
  }
  return ok && excludes.success
    ? {
        severity: severity as RuleSeverity,
        options: parsedOptions.data as RuleOptions<RuleCode>,
        exclude: excludes.data,
      }
    : undefined;
}

function reportZodIssues(options: {
  issues: readonly z.core.$ZodIssue[];
  at: PathSegment[];
  report: (path: readonly PathSegment[], message: string, key?: boolean) => void;
  known: (path: readonly PathSegment[]) => string[];
  describeNoOptions?: string | undefined;
}): void {
  const { issues, at, report, known } = options;
  for (const issue of issues) {
    const path = [...at, ...(issue.path as PathSegment[])];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const candidates = known(issue.path as PathSegment[]);
        const hint =
          options.describeNoOptions ?? `${didYouMean(key, candidates)} Allowed: ${candidates.join(", ")}.`;
        report(
          [...path, key],
          `Unknown key "${key}"${path.length ? ` in ${dotted(path)}` : ""}. ${hint}`.trim(),
          true,
        );
      }
      continue;
    }
    report(path, `${dotted(path) || "file"}: ${issue.message}.`);
  }
}
