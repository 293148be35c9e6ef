import type { RunResult } from "@promptreg/runtime";
import { type Request, type Response, Router } from "express";
import type { z } from "zod";
import { RequestValidationError } from "../errors/request-validation-error.js";
import { parseRequest } from "../http/parse-request.js";
import { requestState } from "../http/request-state.js";
import { facadeRequestSchema, FACADE_MODEL_PREFIX as MODEL_PREFIX } from "../http/schemas.js";
import { createErrorConverter } from "../http/to-server-error.js";
import { authorizeRef, recordDimensions } from "./run-context.js";
import { prepareRun, type RenderRunOptions, runOnce, streamRun } from "./run-stream.js";

function facadeInput(body: z.output<typeof facadeRequestSchema>): Record<string, unknown> {
  if (body.input) return body.input;
  const text = body.metadata?.promptreg_input;
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new RequestValidationError({
    endpoint: "POST /v1/chat/completions",
    issues: [
      {
        path: ["metadata", "promptreg_input"],
        code: "invalid_json",
        message: 'must be a JSON object encoded as a string, e.g. \'{"ticket":"..."}\'',
      },
    ],
  });
}

function exactModel(result: RunResult): string {
  return `${MODEL_PREFIX}${result.ref.id}@${result.ref.version}`;
}

function content(result: RunResult): string {
  return typeof result.output === "string" ? result.output : JSON.stringify(result.output);
}

function usage(result: RunResult) {
  return {
    prompt_tokens: result.usage.promptTokens,
    completion_tokens: result.usage.completionTokens,
    total_tokens: result.usage.totalTokens,
  };
}

function extension(result: RunResult) {
  return {
    ref: result.ref,
    output: result.output,
    cost: result.cost,
    repairs: result.repairs,
    latencyMs: Math.round(result.latencyMs),
    metadata: result.metadata,
  };
}

export function facadeRouter(options: RenderRunOptions): Router {
  const router = Router();
  const convert = createErrorConverter(options.errorMappers);

  router.post("/v1/chat/completions", async (req: Request, res: Response) => {
    const state = requestState(res);
    state.route = "/v1/chat/completions";
    const body = parseRequest(facadeRequestSchema, req.body, "POST /v1/chat/completions");
    const ref = body.model.slice(MODEL_PREFIX.length);
    authorizeRef(res, { ref, registry: options.registry });
    recordDimensions(res, { requested: body.dimensions, names: options.dimensionNames ?? [] });
    const run = prepareRun(res, options, { ref, input: facadeInput(body) });
    const id = `chatcmpl-${state.requestId}`;
    const created = Math.floor(Date.now() / 1000);

    if (!body.stream) {
      const result = await runOnce(res, run);
      res.json({
        id,
        object: "chat.completion",
        created,
        model: exactModel(result),
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: content(result), refusal: null },
            finish_reason: "stop",
            logprobs: null,
          },
        ],
        usage: usage(result),
        promptreg: extension(result),
      });
      return;
    }

    let model = body.model;
    let sentRole = false;
    const chunk = (
      delta: Record<string, unknown>,
      finish: string | null,
      extra: Record<string, unknown> = {},
    ) => ({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...extra,
    });
    await streamRun(res, run, {
      lifecycle: options.lifecycle,
      convert,
      // OpenAI SDKs raise an APIError when a chunk carries `error`, so a failure reaches the caller.
      errorEvent: undefined,
      send: (sse, event) => {
        if (event.type === "delta") {
          sse.send(
            undefined,
            chunk(sentRole ? { content: event.text } : { role: "assistant", content: event.text }, null),
          );
          sentRole = true;
        } else if (event.type === "final") {
          model = exactModel(event.result);
          sse.send(
            undefined,
            chunk({}, "stop", { usage: usage(event.result), promptreg: extension(event.result) }),
          );
          sse.sendRaw("[DONE]");
        }
      },
    });
  });

  return router;
}
