import { LIMITS } from "./limits.js";
import { PROBLEM_CODES, type ProblemCode } from "./problem-codes.js";
import type { Problem } from "./types.js";

/** A message, or how to build it when it is expensive ("did you mean" over many candidates). */
export type LazyMessage = string | (() => string);

/**
 * One file's problems, at most `LIMITS.maxProblemsPerFile` of them. The rest are only counted, and their messages
 * are never built; `finish()` adds one `too_many_problems` problem, at the first one left out, saying how many.
 */
export class ProblemList {
  private readonly problems: Problem[] = [];
  private omitted = 0;
  private firstOmitted?: { line: number; column: number };

  constructor(
    readonly file: string,
    private readonly limit: number = LIMITS.maxProblemsPerFile,
  ) {}

  get size(): number {
    return this.problems.length;
  }

  /** How many more problems are kept before the limit. */
  get room(): number {
    return Math.max(0, this.limit - this.problems.length);
  }

  add({
    line,
    column,
    code,
    message,
    severity = "error",
  }: {
    line: number;
    column: number;
    code: ProblemCode;
    message: LazyMessage;
    severity?: Problem["severity"];
  }): void {
    if (this.problems.length >= this.limit) {
      this.omit(1, { line, column });
      return;
    }
    const text = typeof message === "string" ? message : message();
    this.problems.push({ file: this.file, line, column, code, message: text, severity });
  }

  /** Counts problems found but not kept elsewhere (a schema's issues beyond its share). */
  omit(count: number, at: { line: number; column: number }): void {
    if (count <= 0) return;
    this.omitted += count;
    this.firstOmitted ??= at;
  }

  finish(): Problem[] {
    if (this.omitted === 0) return this.problems;
    return [
      ...this.problems,
      {
        file: this.file,
        ...this.firstOmitted!,
        code: PROBLEM_CODES.TOO_MANY_PROBLEMS,
        message: `${this.omitted} more problems in this file are not shown (at most ${this.limit} per file, LIMITS.maxProblemsPerFile). Fix the ones above and check again.`,
        severity: "error",
      },
    ];
  }
}
