import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InvalidScenarioError, type ScenarioIssue } from "./errors/invalid-scenario-error.js";

// YAML reads `faults: [500, ok]` with 500 as a number; status steps may be numbers, they mean the same.
const step = z.union([z.string(), z.number().int().transform(String)]);
const stepList = z.union([step, z.array(step)]);

/** The scenario file format (YAML or JSON); every field is also a `createMockGateway` option. */
export const scenarioSchema = z.strictObject({
  seed: z.number().int().optional(),
  faultRate: z.number().min(0).max(1).optional(),
  faultKinds: stepList.optional(),
  rules: z
    .array(
      z.strictObject({
        match: z.strictObject({ model: z.string().min(1).optional() }),
        faults: stepList,
      }),
    )
    .optional(),
  providers: z
    .record(z.string(), z.string().regex(/^[\w.-]+$/, "provider names use letters, digits, . _ -"))
    .optional(),
  latencyMs: z
    .strictObject({
      firstByte: z.number().int().min(0).max(600_000).optional(),
      perChunk: z.number().int().min(0).max(600_000).optional(),
    })
    .optional(),
  cost: z.boolean().optional(),
  models: z.array(z.string().min(1)).optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;

/** Formats zod issues as `{path, message}` with paths like `rules[0].match.model`. */
export function zodIssues(error: z.ZodError): ScenarioIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path
      .map((part, i) =>
        typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`,
      )
      .join(""),
    message: issue.message,
  }));
}

/** Validates an already-parsed scenario object; `file` only labels the error. */
export function parseScenario(value: unknown, { file = "<inline>" } = {}): Scenario {
  const result = scenarioSchema.safeParse(value);
  if (!result.success) throw new InvalidScenarioError({ file, issues: zodIssues(result.error) });
  return result.data;
}

/** Reads and validates a `.yaml`, `.yml` or `.json` scenario file; throws InvalidScenarioError. */
export async function loadScenarioFile(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(cause);
    throw new InvalidScenarioError({
      file,
      issues: [{ path: "", message: `cannot read: ${reason}` }],
      cause,
    });
  }
  let value: unknown;
  try {
    value = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    const format = file.endsWith(".json") ? "JSON" : "YAML";
    throw new InvalidScenarioError({
      file,
      issues: [{ path: "", message: `not valid ${format}: ${(cause as Error).message}` }],
      cause,
    });
  }
  return parseScenario(value ?? {}, { file });
}
