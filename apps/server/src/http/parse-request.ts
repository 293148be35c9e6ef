import type { z } from "zod";
import { RequestValidationError } from "../errors/request-validation-error.js";

/** Validates a body or query with the route's zod schema; every failing path is listed in the 400. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, endpoint: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new RequestValidationError({
    endpoint,
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.map((key) => (typeof key === "symbol" ? String(key) : key)),
      message: issue.message,
      code: issue.code,
    })),
  });
}
