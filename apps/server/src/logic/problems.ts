import { RegistryLoadError } from "@promptreg/registry";

/** One line per problem, `file:line:col: message`, the way editors and CI annotate them. */
export function describeLoadFailure(error: unknown): string[] {
  if (RegistryLoadError.isInstance(error)) {
    return error.problems
      .filter((problem) => problem.severity === "error")
      .map(
        (problem) =>
          `${problem.file}:${problem.line}:${problem.column}: ${problem.message} [${problem.code}]`,
      );
  }
  return [error instanceof Error ? error.message : String(error)];
}
