import { KEY_ID_PATTERN } from "@promptreg/signing-core";
import { parseDocument } from "yaml";
import { z } from "zod";
import { type ClientKeysIssue, InvalidClientKeysError } from "./errors/invalid-client-keys-error.js";

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");
const MIN_SECRET_LENGTH = 16;
const SECRET_RULE = `must be at least ${MIN_SECRET_LENGTH} characters (generate one with \`openssl rand -base64 32\`)`;

/**
 * Bounds of cost-attribution dimensions (labels of `promptreg_cost_usd_total`): a client declares each dimension it
 * sends with its allowed values, so every label's values are known at start and series stay bounded.
 */
export const DIMENSION_LIMITS = Object.freeze({
  dimensionsPerClient: 8,
  valuesPerDimension: 50,
  nameMaxChars: 32,
  valueMaxChars: 64,
});
/** Prometheus label names the service's metrics already use, and reserved ones. */
const RESERVED_DIMENSION_NAMES = new Set([
  "template",
  "template_version",
  "client",
  "type",
  "le",
  "quantile",
]);
export const DIMENSION_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
export const DIMENSION_VALUE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** The label value recorded when a request leaves a declared dimension out. */
export const DIMENSION_UNSET_VALUE = "none";

const dimensionNameSchema = z
  .string()
  .max(DIMENSION_LIMITS.nameMaxChars, `must be at most ${DIMENSION_LIMITS.nameMaxChars} characters`)
  .regex(DIMENSION_NAME_PATTERN, "must be a Prometheus-style label name: a-z first, then a-z 0-9 _")
  .refine((name) => !RESERVED_DIMENSION_NAMES.has(name) && !name.startsWith("__"), {
    message: `is reserved (${[...RESERVED_DIMENSION_NAMES].join(", ")})`,
  });
const dimensionValuesSchema = z
  .array(
    z
      .string()
      .max(DIMENSION_LIMITS.valueMaxChars, `must be at most ${DIMENSION_LIMITS.valueMaxChars} characters`)
      .regex(DIMENSION_VALUE_PATTERN, "must start with a letter or digit, then A-Z a-z 0-9 _ . -")
      .refine((value) => value !== DIMENSION_UNSET_VALUE, {
        message: `"${DIMENSION_UNSET_VALUE}" is what a request without this dimension records; leave it out`,
      }),
  )
  .min(1, "must list at least one allowed value")
  .max(DIMENSION_LIMITS.valuesPerDimension, `holds at most ${DIMENSION_LIMITS.valuesPerDimension} values`)
  .refine((values) => new Set(values).size === values.length, { message: "lists a value twice" });

const clientSchema = z.strictObject({
  keyId: z.string().regex(KEY_ID_PATTERN, "must be 1-128 characters of A-Z a-z 0-9 . _ ~ -"),
  secrets: z
    .array(z.string().min(MIN_SECRET_LENGTH, SECRET_RULE))
    .min(1, "needs at least one secret")
    .max(2, "holds at most two secrets (the current one and the one being rotated out)"),
  allowedTemplates: z
    .array(z.string().min(1, "must not be empty"))
    .min(1, "must list at least one prefix")
    .optional(),
  rateLimit: z
    .strictObject({
      requestsPerMinute: z.number().int("must be an integer").positive("must be positive"),
    })
    .optional(),
  dimensions: z
    .record(dimensionNameSchema, dimensionValuesSchema)
    .refine((dimensions) => Object.keys(dimensions).length <= DIMENSION_LIMITS.dimensionsPerClient, {
      message: `declares at most ${DIMENSION_LIMITS.dimensionsPerClient} dimensions`,
    })
    .optional(),
});

const fileSchema = z.strictObject({
  clients: z.array(clientSchema).min(1, "must list at least one client"),
});

type ClientInput = z.infer<typeof clientSchema>;

/** What `JSON.stringify(credential)` and `util.inspect(credential)` show: no secret material. */
export interface RedactedClientCredential {
  keyId: string;
  secrets: string[];
  allowedTemplates?: string[];
  rateLimit?: { requestsPerMinute: number };
  dimensions?: Record<string, string[]>;
}

/** One client application's credential. `secrets` is readable but never serialised, logged or inspected. */
export interface ClientCredential {
  readonly keyId: string;
  /** One secret, or two during rotation (either is accepted). */
  readonly secrets: readonly string[];
  /** Template id prefixes this client may use; undefined means every template. */
  readonly allowedTemplates?: readonly string[];
  readonly rateLimit?: { readonly requestsPerMinute: number };
  /** Cost-attribution dimensions this client may send, each with its allowed values; absent = none. */
  readonly dimensions?: Readonly<Record<string, readonly string[]>>;
  /**
   * True when no restriction is configured, or the id equals an entry, or starts with it as a path prefix:
   * "support/" and "support" both allow "support/summarize", neither allows "supportive/x".
   */
  allowsTemplate(templateId: string): boolean;
  toJSON(): RedactedClientCredential;
  toString(): string;
}

class Credential implements ClientCredential {
  readonly keyId: string;
  readonly allowedTemplates?: readonly string[];
  readonly rateLimit?: { readonly requestsPerMinute: number };
  readonly dimensions?: Readonly<Record<string, readonly string[]>>;
  readonly #secrets: readonly string[];

  constructor(input: ClientInput) {
    this.keyId = input.keyId;
    this.#secrets = Object.freeze([...input.secrets]);
    if (input.allowedTemplates !== undefined)
      this.allowedTemplates = Object.freeze([...input.allowedTemplates]);
    if (input.rateLimit !== undefined) this.rateLimit = Object.freeze({ ...input.rateLimit });
    if (input.dimensions !== undefined) {
      this.dimensions = Object.freeze(
        Object.fromEntries(
          Object.entries(input.dimensions).map(([name, values]) => [name, Object.freeze([...values])]),
        ),
      );
    }
    Object.freeze(this);
  }

  get secrets(): readonly string[] {
    return this.#secrets;
  }

  allowsTemplate(templateId: string): boolean {
    if (this.allowedTemplates === undefined) return true;
    return this.allowedTemplates.some((entry) => {
      const prefix = entry.endsWith("/") ? entry : `${entry}/`;
      return templateId === entry || templateId.startsWith(prefix);
    });
  }

  toJSON(): RedactedClientCredential {
    return {
      keyId: this.keyId,
      secrets: this.#secrets.map(() => "[redacted]"),
      ...(this.allowedTemplates ? { allowedTemplates: [...this.allowedTemplates] } : {}),
      ...(this.rateLimit ? { rateLimit: { ...this.rateLimit } } : {}),
      ...(this.dimensions
        ? {
            dimensions: Object.fromEntries(
              Object.entries(this.dimensions).map(([name, values]) => [name, [...values]]),
            ),
          }
        : {}),
    };
  }

  toString(): string {
    return `ClientCredential(${this.keyId}, ${this.#secrets.length} secret(s) redacted)`;
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/** The parsed set of client credentials, indexed by key id. */
export interface ClientKeySet {
  readonly clients: readonly ClientCredential[];
  get(keyId: string): ClientCredential | undefined;
  /** Pass straight to `verifyRequest({ lookupSecrets })`. */
  lookupSecrets(keyId: string): readonly string[] | undefined;
  toJSON(): RedactedClientCredential[];
}

export interface ParseClientKeysOptions {
  /** Label used in error messages, e.g. "PROMPTREG_CLIENT_KEYS" or the file path. Default "client keys". */
  source?: string;
  /** Default "auto": starts with "{" -> json; several lines or starts with "clients:"/"---" -> yaml; else env. */
  format?: "auto" | "env" | "json" | "yaml";
}

function detectFormat(text: string): "env" | "json" | "yaml" {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return "json";
  if (trimmed.includes("\n") || trimmed.startsWith("clients:") || trimmed.startsWith("---")) return "yaml";
  return "env";
}

function parseEnv(text: string, source: string): ClientInput[] {
  const issues: ClientKeysIssue[] = [];
  const byKey = new Map<string, string[]>();
  const entries = text.split(",").map((entry) => entry.trim());
  entries.forEach((entry, index) => {
    const location = `entry ${index + 1}`;
    if (entry === "") {
      issues.push({ location, message: "is empty (stray comma?)" });
      return;
    }
    const colon = entry.indexOf(":");
    if (colon === -1) {
      issues.push({ location, message: 'has no ":" between key id and secret' });
      return;
    }
    const keyId = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1).trim();
    if (!KEY_ID_PATTERN.test(keyId)) {
      issues.push({ location, message: "key id must be 1-128 characters of A-Z a-z 0-9 . _ ~ -" });
      return;
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      issues.push({ location, message: `secret of "${keyId}" ${SECRET_RULE}` });
      return;
    }
    const secrets = byKey.get(keyId) ?? [];
    if (secrets.includes(secret)) {
      issues.push({ location, message: `repeats a secret of "${keyId}"` });
      return;
    }
    if (secrets.length === 2) {
      issues.push({
        location,
        message: `"${keyId}" already has two secrets; at most two are active at once`,
      });
      return;
    }
    secrets.push(secret);
    byKey.set(keyId, secrets);
  });
  if (issues.length > 0) throw new InvalidClientKeysError({ source, format: "env", issues });
  return [...byKey].map(([keyId, secrets]) => ({ keyId, secrets }));
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    out += typeof part === "number" ? `[${part}]` : `${out === "" ? "" : "."}${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

function parseStructured(text: string, format: "json" | "yaml", source: string): ClientInput[] {
  let data: unknown;
  if (format === "json") {
    try {
      data = JSON.parse(text);
    } catch {
      // JSON.parse messages quote the surrounding text, which may be a secret: report only that it is invalid.
      throw new InvalidClientKeysError({
        source,
        format,
        issues: [{ location: "(document)", message: "is not valid JSON (check quotes, commas and braces)" }],
      });
    }
  } else {
    const document = parseDocument(text);
    if (document.errors.length > 0) {
      throw new InvalidClientKeysError({
        source,
        format,
        // YAML messages quote source lines; keep only the error code and position.
        issues: document.errors.map((error) => ({
          location: error.linePos
            ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}`
            : "(document)",
          message: `is not valid YAML (${error.code})`,
        })),
      });
    }
    data = document.toJS();
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    throw new InvalidClientKeysError({
      source,
      format,
      issues: parsed.error.issues.map((issue) => ({
        location: formatPath(issue.path),
        message: issue.message,
      })),
    });
  }
  const seen = new Set<string>();
  const issues: ClientKeysIssue[] = [];
  parsed.data.clients.forEach((client, index) => {
    if (seen.has(client.keyId)) {
      issues.push({
        location: `clients[${index}].keyId`,
        message: `"${client.keyId}" is listed twice; give one entry two secrets instead`,
      });
    }
    seen.add(client.keyId);
    if (client.secrets.length === 2 && client.secrets[0] === client.secrets[1]) {
      issues.push({ location: `clients[${index}].secrets`, message: "lists the same secret twice" });
    }
  });
  if (issues.length > 0) throw new InvalidClientKeysError({ source, format, issues });
  return parsed.data.clients;
}

/**
 * Parses client credentials from the `PROMPTREG_CLIENT_KEYS` env format (`keyId:secret,keyId2:secret2`; repeat a
 * key id for a second, rotated secret) or from a JSON/YAML file (`{ clients: [{ keyId, secrets, allowedTemplates?,
 * rateLimit? }] }`). Throws `InvalidClientKeysError` listing every problem, never quoting a secret.
 */
export function parseClientKeys(text: string, options: ParseClientKeysOptions = {}): ClientKeySet {
  const { source = "client keys", format = "auto" } = options;
  if (typeof text !== "string" || text.trim() === "") {
    throw new InvalidClientKeysError({
      source,
      format: format === "auto" ? "env" : format,
      issues: [{ location: "(document)", message: "is empty: no client credentials configured" }],
    });
  }
  const resolved = format === "auto" ? detectFormat(text) : format;
  const inputs = resolved === "env" ? parseEnv(text.trim(), source) : parseStructured(text, resolved, source);
  const clients = inputs.map((input) => new Credential(input));
  const byKey = new Map(clients.map((client) => [client.keyId, client]));
  return Object.freeze({
    clients: Object.freeze(clients),
    get: (keyId: string) => byKey.get(keyId),
    lookupSecrets: (keyId: string) => byKey.get(keyId)?.secrets,
    toJSON: () => clients.map((client) => client.toJSON()),
  });
}
