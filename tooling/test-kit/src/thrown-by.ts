/**
 * What recognises the expected error: a promptreg error class itself (`ConfigError`, whose static `is` it calls on
 * the class, since that `is` reads the class's brand from `this`), or a type guard function.
 */
export type ErrorGuard<T> = ((value: unknown) => value is T) | ErrorClass<T>;

/** An error class with a static `is`, as promptreg's error classes have. */
export interface ErrorClass<T> {
  readonly prototype: T;
  is(value: unknown): boolean;
}

function matches<T>(guard: ErrorGuard<T>, value: unknown): value is T {
  return "is" in guard && typeof guard.is === "function"
    ? guard.is(value)
    : (guard as (value: unknown) => value is T)(value);
}

function unexpected(what: string, value: unknown): Error {
  return new Error(
    `expected ${what} to fail, but it ${value === undefined ? "completed" : "returned a value"}`,
    {
      cause: value,
    },
  );
}

/**
 * What `run` throws, for assertions on its fields. With a guard (the class `ConfigError`) the result is typed and
 * anything else thrown is rethrown as it is, so the test fails with the real error; when `run` returns instead, the
 * test fails with "expected ... to fail".
 */
export function thrownBy(run: () => unknown): unknown;
export function thrownBy<T>(run: () => unknown, guard: (value: unknown) => value is T): T;
export function thrownBy<T>(run: () => unknown, guard: ErrorClass<T>): T;
export function thrownBy<T>(run: () => unknown, guard?: ErrorGuard<T>): unknown {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    if (guard && !matches(guard, error)) throw error;
    return error;
  }
  throw unexpected("the call", result);
}

/**
 * What `work` (a promise, or a function returning one) rejects with: `thrownBy` for asynchronous code. A function
 * that throws synchronously counts as a rejection.
 */
export async function rejectionOf(work: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown>;
export async function rejectionOf<T>(
  work: Promise<unknown> | (() => Promise<unknown>),
  guard: (value: unknown) => value is T,
): Promise<T>;
export async function rejectionOf<T>(
  work: Promise<unknown> | (() => Promise<unknown>),
  guard: ErrorClass<T>,
): Promise<T>;
export async function rejectionOf<T>(
  work: Promise<unknown> | (() => Promise<unknown>),
  guard?: ErrorGuard<T>,
): Promise<unknown> {
  let result: unknown;
  try {
    result = await (typeof work === "function" ? work() : work);
  } catch (error) {
    if (guard && !matches(guard, error)) throw error;
    return error;
  }
  throw unexpected("the promise", result);
}
