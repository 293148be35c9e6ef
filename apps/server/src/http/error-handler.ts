import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextFunction, Request, Response } from "express";
import { RouteNotFoundError } from "../errors/route-not-found-error.js";
import { ServerError } from "../errors/server-error.js";
import type { Logger } from "./logger.js";
import { requestState } from "./request-state.js";
import { sendError } from "./send-error.js";

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new RouteNotFoundError({ method: req.method, path: req.path }));
}

/** The one place where throws become HTTP answers. Stack traces go to the log, never to the client. */
export function errorHandler({
  convert,
  logger,
}: {
  convert: (error: unknown) => ServerError;
  logger: Logger;
}) {
  return (thrown: unknown, _req: IncomingMessage, res: ServerResponse, _next: NextFunction): void => {
    const state = requestState(res);
    // A cancelled request surfaces as whatever the aborted call threw; the abort reason says what really happened.
    const reason = state.abort.signal.aborted ? state.abort.signal.reason : undefined;
    const error = ServerError.isInstance(reason) ? reason : convert(thrown);
    state.error = error;
    if (error.origin === "internal") {
      const cause = error.cause ?? thrown;
      logger.error(
        {
          requestId: state.requestId,
          err:
            cause instanceof Error
              ? { name: cause.name, message: cause.message, stack: cause.stack }
              : String(cause),
        },
        "unhandled error",
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendError(res, error, state.requestId);
  };
}
