import type { IncomingMessage, ServerResponse } from "node:http";
import type { IRouter } from "express";
import { parseRequest } from "../http/parse-request.js";
import { requestState } from "../http/request-state.js";
import { renderRequestSchema, runRequestSchema } from "../http/schemas.js";
import { sendJson } from "../http/send-json.js";
import { createErrorConverter } from "../http/to-server-error.js";
import { authorizeRef, recordDimensions, renderView, runView } from "./run-context.js";
import { prepareRender, prepareRun, type RenderRunOptions, runOnce, streamRun } from "./run-stream.js";

export type { RenderRunOptions } from "./run-stream.js";

/**
 * A route that uses only Node's request and response (plus the body admission parsed), so it runs the same behind
 * Express's router and on the hot path that skips it (http/hot-routes.ts).
 */
export type HotRouteHandler = (
  req: IncomingMessage & { body?: unknown },
  res: ServerResponse,
) => void | Promise<void>;

/**
 * Adds POST /v1/render and POST /v1/run to `router` and returns their handlers by path, for the hot path that
 * serves them without Express's dispatch (app.ts). app.ts adds them to the app's own router, not through a nested
 * Router: each nested router costs the routes a second dispatch (its own next() loop, baseUrl and params saved and
 * restored) per request.
 */
export function addRenderRunRoutes(
  router: IRouter,
  options: RenderRunOptions,
): ReadonlyMap<string, HotRouteHandler> {
  const convert = createErrorConverter(options.errorMappers);

  const renderRoute: HotRouteHandler = (req, res) => {
    requestState(res).route = "/v1/render";
    const body = parseRequest(renderRequestSchema, req.body, "POST /v1/render");
    authorizeRef(res, { ref: body.ref, registry: options.registry });
    const { pipeline, request } = prepareRender(res, options.registry, { ref: body.ref, input: body.input });
    sendJson(res, renderView(pipeline.render(request)));
  };

  const runRoute: HotRouteHandler = async (req, res) => {
    requestState(res).route = "/v1/run";
    const body = parseRequest(runRequestSchema, req.body, "POST /v1/run");
    authorizeRef(res, { ref: body.ref, registry: options.registry });
    recordDimensions(res, { requested: body.dimensions, names: options.dimensionNames ?? [] });
    const run = prepareRun(res, options, { ref: body.ref, input: body.input });
    if (!body.stream) {
      sendJson(res, runView(await runOnce(res, run)));
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
  };

  router.post("/v1/render", renderRoute);
  router.post("/v1/run", runRoute);
  return new Map([
    ["/v1/render", renderRoute],
    ["/v1/run", runRoute],
  ]);
}
