import { type Request, type Response, Router } from "express";
import { parseRequest } from "../http/parse-request.js";
import { requestState } from "../http/request-state.js";
import { renderRequestSchema, runRequestSchema } from "../http/schemas.js";
import { createErrorConverter } from "../http/to-server-error.js";
import { authorizeRef, recordDimensions, recordTemplate, renderContext, runView } from "./run-context.js";
import { prepareRun, type RenderRunOptions, runOnce, streamRun } from "./run-stream.js";

export type { RenderRunOptions } from "./run-stream.js";

export function renderRunRouter(options: RenderRunOptions): Router {
  const router = Router();
  const convert = createErrorConverter(options.errorMappers);

  router.post("/v1/render", (req: Request, res: Response) => {
    requestState(res).route = "/v1/render";
    const body = parseRequest(renderRequestSchema, req.body, "POST /v1/render");
    authorizeRef(res, { ref: body.ref, registry: options.registry });
    const rendered = renderContext(options.registry).render(body.ref, body.input);
    recordTemplate(res, rendered.ref);
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
    requestState(res).route = "/v1/run";
    const body = parseRequest(runRequestSchema, req.body, "POST /v1/run");
    authorizeRef(res, { ref: body.ref, registry: options.registry });
    recordDimensions(res, { requested: body.dimensions, names: options.dimensionNames ?? [] });
    const run = prepareRun(res, options, { ref: body.ref, input: body.input });
    if (!body.stream) {
      res.json(runView(await runOnce(res, run)));
      return;
    }
    await streamRun(res, run, {
      lifecycle: options.lifecycle,
      convert,
      errorEvent: "error",
      send: (sse, event) => {
        if (event.type === "delta") sse.send("delta", { text: event.text });
        else if (event.type === "repair")
          sse.send("repair", { attempt: event.attempt, reason: event.reason });
        else sse.send("final", runView(event.result));
      },
    });
  });

  return router;
}
