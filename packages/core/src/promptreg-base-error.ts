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

/** An error class as its static `is` sees it: the brand it declares, and the instances it makes. */
export interface BrandedErrorClass<T> {
  readonly brand: symbol;
  readonly prototype: T;
}

/** The brands an instance of each class carries: its own and every ancestor's, found once per class. */
const brandChains = new WeakMap<object, readonly symbol[]>();

function brandsOf(errorClass: object): readonly symbol[] {
  let brands = brandChains.get(errorClass);
  if (brands === undefined) {
    const found: symbol[] = [];
    for (let c: object | null = errorClass; c !== null; c = Object.getPrototypeOf(c) as object | null) {
      if (Object.hasOwn(c, "brand")) found.push((c as { brand: symbol }).brand);
    }
    brands = found;
    brandChains.set(errorClass, brands);
  }
  return brands;
}

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
 * `X.is(value)` rather than `instanceof`. Each package's own base (RegistryError, GatewayError, the client's
 * PromptregError, ...) extends this one and adds its own fields.
 *
 * Recognition is declared, not written: a class declares `static override readonly brand = Symbol.for("promptreg.
 * <package>.<name>")`, every instance carries the brands of its class and its ancestors, and `X.is(value)` (alias
 * `X`) comes from here. Call it on the class (`X.is(e)`); to pass it around, pass the class.
 */
export class PromptregBaseError<Code extends string = string> extends Error {
  /** The brand of this class; subclasses declare their own with `Symbol.for`, so copies of a package agree. */
  static readonly brand: symbol = BRAND;
  readonly code: Code;
  readonly origin: ErrorOrigin;
  readonly retryable: boolean;

  constructor(options: PromptregBaseErrorOptions<Code>) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    for (const brand of brandsOf(new.target)) (this as unknown as Record<symbol, boolean>)[brand] = true;
    this.name = "PromptregBaseError";
    this.code = options.code;
    this.origin = options.origin ?? "caller";
    this.retryable = options.retryable ?? false;
  }

  /**
   * True for an instance of this class or a subclass, from any copy of its package (`PromptregBaseError.is`: any
   * promptreg error). Checks the class's `Symbol.for` brand, so it holds where `instanceof` fails.
   */
  static is<T>(this: BrandedErrorClass<T>, value: unknown): value is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class `is` was called on (X.is), whose brand is meant.
    return hasBrand(value, this.brand);
  }

  /** `is`, under the name the error classes have always had. */
  static isInstance<T>(this: BrandedErrorClass<T>, value: unknown): value is T {
    // biome-ignore lint/complexity/noThisInStatic: as in `is`, the class it was called on.
    return hasBrand(value, this.brand);
  }
}

/**
 * Whether `value` carries the `Symbol.for` brand `brand`: the cross-copy `isInstance` check every promptreg error
 * class uses for its own marker.
 */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}
