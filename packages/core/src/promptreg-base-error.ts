/**
 * The one brand every promptreg error carries. `Symbol.for` returns the same symbol in every copy of this module
 * (two versions of @promptreg/core in one node_modules tree, a bundled copy, another realm), so the check below
 * holds where `instanceof` would not.
 */
const BRAND = Symbol.for("promptreg.error");

/**
 * Whose fault a failure is, which decides who has to act:
 * - `caller`: the input given to the code that threw (a request, a template file, an option, a configuration
 *   value). The caller fixes it; retrying the same input fails the same way.
 * - `upstream`: something the code depends on and does not control (the model gateway, a provider, git, the file
 *   system, the promptreg service as seen from the SDK). Often transient; `retryable` says whether to try again.
 * - `internal`: promptreg itself (a bug, a broken deployment). Someone operating promptreg has to look; the service
 *   counts these as `origin="server"` in its metrics and logs.
 */
export type ErrorOrigin = "caller" | "upstream" | "internal";

export interface PromptregBaseErrorOptions<Code extends string = string> {
  /** The machine-readable reason, from the throwing package's closed code map. */
  code: Code;
  message: string;
  /** Defaults to `caller`: most errors a package raises are about what it was given. */
  origin?: ErrorOrigin;
  /** Whether the same call may succeed when made again unchanged. Defaults to false. */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * The base of every error a promptreg package or app throws on purpose. Callers branch on `code` (a closed union
 * per package), `origin` and `retryable`, never on the message text, and recognise promptreg errors with
 * `PromptregBaseError.is(value)` rather than `instanceof`. Each package's own base (RegistryError, GatewayError,
 * the client's PromptregError, ...) extends this one and adds its `isInstance` guard and its own fields.
 */
export class PromptregBaseError<Code extends string = string> extends Error {
  readonly [BRAND] = true;
  readonly code: Code;
  readonly origin: ErrorOrigin;
  readonly retryable: boolean;

  constructor(options: PromptregBaseErrorOptions<Code>) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PromptregBaseError";
    this.code = options.code;
    this.origin = options.origin ?? "caller";
    this.retryable = options.retryable ?? false;
  }

  /** True for any promptreg error, from any copy of any promptreg package. */
  static is(value: unknown): value is PromptregBaseError {
    return hasBrand(value, BRAND);
  }
}

/**
 * Whether `value` carries the `Symbol.for` brand `brand`: the cross-copy `isInstance` check every promptreg error
 * class uses for its own marker.
 */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
