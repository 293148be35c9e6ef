import type { IncomingMessage, ServerResponse } from "node:http";
import type { Express } from "express";
import type { HotRouteHandler } from "../routes/render-run.js";

/**
 * The work in front of every route (app.ts): request context, path check, security headers, admission. It calls
 * `next` once the request may reach its route, and throws or rejects otherwise.
 */
export type FrontHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
  path: string,
) => void | Promise<void>;

/** The app's one error handler (error-handler.ts): answers `thrown` as the typed JSON error, logs our own faults. */
export type ErrorAnswer = (
  thrown: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
) => void;

/**
 * Serves `routes` (POST, by exact path) without Express's dispatch: the same front, the same handler, the same error
 * handler, called in the order Express would call them, so every behaviour stays (security headers, request id,
 * admission and its limits, error mapping, the request log, metrics and stats all live in those three functions).
 *
 * Why: Express's dispatch is a fixed cost per request of the same order as all of the service's own work on a render.
 * `app.handle` gives `req` and `res` Express's prototypes (Object.setPrototypeOf, after which every object's shape
 * differs from the one Node made and property access goes megamorphic), builds a final handler and walks the router's
 * layers with their path matching, try/catch and promise checks, twice (the front layer, then the route). The hot
 * routes use only Node's request and response (HotRouteHandler), so they do not need any of it.
 *
 * Only an exact `POST /v1/render` or `POST /v1/run` (no query, exact case) takes this path; every other request,
 * including those that reach the same routes through Express's looser matching (`/V1/render`, `/v1/render/`,
 * `/v1/render?x=1`), goes through Express to the same handlers. It hooks `app.handle`, which is what the app function
 * itself, `app.listen` and a parent app's mount all call, so every server made from the app (main.ts, the tests, the
 * benchmarks) serves the hot routes this way.
 */
export function serveHotRoutesFirst(
  app: Express,
  {
    routes,
    front,
    answerError,
  }: { routes: ReadonlyMap<string, HotRouteHandler>; front: FrontHandler; answerError: ErrorAnswer },
): void {
  // `handle` is Express's own entry point (the app function calls it), left out of its type declarations.
  const hooked = app as unknown as { handle: ExpressHandle };
  const expressHandle = hooked.handle;
  hooked.handle = function handle(this: unknown, req, res, callback) {
    const route = req.method === "POST" ? routes.get(req.url as string) : undefined;
    if (route === undefined) {
      expressHandle.call(this, req, res, callback);
      return;
    }
    // Express's order and semantics: a throw or a rejection in the front or the route goes to the error handler,
    // a rejection without a reason as an Error (router's "Rejected promise").
    const fail = (thrown: unknown) => {
      try {
        answerError(thrown ?? new Error("Rejected promise"), req, res, noop);
      } catch {
        // The error handler itself failed: what Express's final handler does then, minus its HTML page (a bare 500,
        // or the connection cut once the answer has begun), instead of an exception that would end the process.
        if (res.headersSent) res.destroy();
        else {
          res.statusCode = 500;
          res.end();
        }
      }
    };
    const proceed = () => {
      try {
        const pending = route(req, res);
        if (pending instanceof Promise) pending.then(undefined, fail);
      } catch (thrown) {
        fail(thrown);
      }
    };
    try {
      const pending = front(req, res, proceed, req.url as string);
      if (pending instanceof Promise) pending.then(undefined, fail);
    } catch (thrown) {
      fail(thrown);
    }
  };
}

type ExpressHandle = (req: IncomingMessage, res: ServerResponse, callback?: unknown) => void;

function noop(): void {}
