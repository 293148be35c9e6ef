/** A type guard such as an error class's static `isInstance`. */
export type ErrorGuard<T> = (value: unknown) => value is T;

function unexpected(what: string, value: unknown): Error {
  return new Error(
    `expected ${what} to fail, but it ${value === undefined ? "completed" : "returned a value"}`,
    {
      cause: value,
    },
  );
}

/**
 * What `run` throws, for assertions on its fields. With a guard (`ConfigError.isInstance`) the result is typed and
 * anything else thrown is rethrown as it is, so the test fails with the real error; when `run` returns instead, the
 * test fails with "expected ... to fail".
 */
export function thrownBy(run: () => unknown): unknown;
export function thrownBy<T>(run: () => unknown, guard: ErrorGuard<T>): T;
export function thrownBy<T>(run: () => unknown, guard?: ErrorGuard<T>): unknown {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    if (guard && !guard(error)) throw error;
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
  guard: ErrorGuard<T>,
): Promise<T>;
export async function rejectionOf<T>(
  work: Promise<unknown> | (() => Promise<unknown>),
  guard?: ErrorGuard<T>,
): Promise<unknown> {
  let result: unknown;
  try {
    result = await (typeof work === "function" ? work() : work);
  } catch (error) {
    if (guard && !guard(error)) throw error;
    return error;
  }
  throw unexpected("the promise", result);
}
