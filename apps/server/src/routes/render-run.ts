import { type Request, type Response, Router } from "express";
import { NotReadyError } from "../errors/not-ready-error.js";
import { parseRequest } from "../http/parse-request.js";
import { type RequestState, requestState } from "../http/request-state.js";
import { renderRequestSchema, runRequestSchema } from "../http/schemas.js";
import { errorBody } from "../http/send-error.js";
import { openSse } from "../http/sse.js";
import { createErrorConverter, type ErrorMapper } from "../http/to-server-error.js";
import type { RegistryHolder } from "../logic/registry-holder.js";
import { type GatewayPort, runTemplate, streamTemplate } from "../logic/run-template.js";
import type { Lifecycle } from "./operations.js";
import {
  authorizeRef,
  recordRendered,
  recordUpstream,
  remainingMs,
  renderContext,
  requireGateway,
  runView,
} from "./run-context.js";

export interface RenderRunOptions {
  registry: RegistryHolder;
  gateway: () => GatewayPort | undefined;
  repairAttempts: number;
  requestTimeoutMs: number;
  errorMappers: ErrorMapper[];
  onRepair?: (event: { templateId: string; outcome: "attempt" | "exhausted" }) => void;
  lifecycle?: Lifecycle;
}

export function renderRunRouter(options: RenderRunOptions): Router {
  const router = Router();
  const convert = createErrorConverter(options.errorMappers);

  router.post("/v1/render", (req: Request, res: Response) => {
    requestState(res).route = "/v1/render";
    const body = parseRequest(renderRequestSchema, req.body, "POST /v1/render");
    authorizeRef(res, body.ref);
    const rendered = renderContext(options.registry).render(body.ref, body.input);
    recordRendered(res, rendered);
    res.json({
      ref: rendered.ref,
      messages: rendered.messages,
      model: rendered.model,
      params: rendered.params,
      fallbacks: rendered.fallbacks,
      outputSchema: rendered.outputSchema ?? null,
    });
  });

  router.post("/v1/run", async (req: Request, res: Response) => {
    const state = requestState(res);
    state.route = "/v1/run";
    const body = parseRequest(runRequestSchema, req.body, "POST /v1/run");
    authorizeRef(res, body.ref);
    const renderer = renderContext(options.registry);
    const gateway = requireGateway(options.gateway());
    const runOptions = {
      renderer,
      gateway,
      ref: body.ref,
      input: body.input,
      repairAttempts: options.repairAttempts,
      signal: state.abort.signal,
      deadlineMs: remainingMs(res, options.requestTimeoutMs),
      onRendered: (rendered: Parameters<typeof recordRendered>[1]) => recordRendered(res, rendered),
      onRepair: options.onRepair,
    };
    if (!body.stream) {
      const result = await runTemplate(runOptions);
      recordUpstream(res, result);
      res.json(runView(result));
      return;
    }

    const events = streamTemplate(runOptions);
    // Pull the first event before committing to a 200: render errors, 404s and upstream failures before the first
    // token still get a normal JSON error with the right status.
    const first = await events.next();
    const sse = openSse(res);
    const stop = shutdownCloser({ sse, state, lifecycle: options.lifecycle });
    try {
      let next = first;
      while (!next.done) {
        const event = next.value;
        if (event.type === "delta") sse.send("delta", { text: event.text });
        else if (event.type === "repair")
          sse.send("repair", { attempt: event.attempt, reason: event.reason });
        else {
          recordUpstream(res, event.result);
          sse.send("final", runView(event.result));
        }
        if (!sse.open) break;
        next = await events.next();
      }
    } catch (thrown) {
      // Headers are gone, so a failure mid-stream becomes a typed `error` event: never a silent clean end.
      const reason = state.abort.signal.aborted ? state.abort.signal.reason : undefined;
      const error = convert(reason ?? thrown);
      state.error = error;
      sse.send("error", errorBody(error, state.requestId));
    } finally {
      stop();
      if (!sse.open) await events.return(undefined);
      sse.end();
    }
  });

  return router;
}

/**
 * Registers the stream with the lifecycle so the drain timeout can end it with a typed `error` event; returns the
 * unregister function.
 */
export function shutdownCloser({
  sse,
  state,
  lifecycle,
  event = "error",
}: {
  sse: { send(event: string | undefined, data: unknown): void; end(): void };
  state: RequestState;
  lifecycle: Lifecycle | undefined;
  /** `null` for the OpenAI facade, whose frames carry no event name. */
  event?: string | null;
}): () => void {
  if (!lifecycle) return () => {};
  const close = () => {
    const error = new NotReadyError({
      what: "it is shutting down; retry the call, another instance will take it",
      code: "shutting_down",
    });
    state.error = error;
    sse.send(event ?? undefined, errorBody(error, state.requestId));
    sse.end();
    // The response is finished, so the disconnect hook will not fire: cancel the upstream call here.
    state.abort.abort(error);
  };
  lifecycle.openStreams.add(close);
  return () => lifecycle.openStreams.delete(close);
}
