import { OutputValidationError } from "@promptreg/renderer";
import { RunDeadlineError, RunOutputInvalidError } from "@promptreg/runtime";
import { describe, expect, it } from "vitest";
import { SERVICE_LIMITS } from "../limits.js";
import { packageErrorMappers } from "./package-errors.js";
import { createErrorConverter } from "./to-server-error.js";

const convert = createErrorConverter(packageErrorMappers);

describe("the run pipeline's errors at the HTTP boundary", () => {
  it("an output still invalid after the repairs is a 502 output_invalid with the fields and a cut excerpt", () => {
    const cause = new OutputValidationError({
      kind: "no_json",
      templateId: "support/summarize",
      version: "1.0.0",
      detail: "no { or [ found",
    });
    const text = "x".repeat(SERVICE_LIMITS.outputExcerptChars + 50);
    const error = convert(new RunOutputInvalidError({ error: cause, attempts: 2, text }));
    expect(error).toMatchObject({ status: 502, code: "output_invalid", origin: "upstream" });
    expect(error.details).toMatchObject({
      templateId: "support/summarize",
      version: "1.0.0",
      attempts: 2,
      reason: "no_json",
      issues: [],
    });
    expect(String(error.details?.text)).toHaveLength(SERVICE_LIMITS.outputExcerptChars + 1);
    expect(error.message).toMatch(/PROMPTREG_OUTPUT_REPAIR_ATTEMPTS/);
  });

  it("a run deadline, used up between calls or cutting one, is the request timeout's 504", () => {
    for (const cutCall of [false, true]) {
      const error = convert(
        new RunDeadlineError({
          templateId: "support/summarize",
          version: "1.0.0",
          deadlineAt: 0,
          attempts: 1,
          cutCall,
        }),
      );
      expect(error).toMatchObject({
        status: 504,
        code: "request_timeout",
        origin: "upstream",
        details: { attempts: 1 },
      });
    }
  });
});
