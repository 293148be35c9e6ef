import type { NextFunction, Request, Response } from "express";
import { RequestValidationError } from "../errors/request-validation-error.js";
import { requestState } from "./request-state.js";

/**
 * `express.raw` keeps the exact bytes for signature verification; this parses them as JSON afterwards, so the
 * bytes that were verified are the bytes that are used.
 */
export function captureRawBody(req: Request, res: Response, next: NextFunction): void {
  requestState(res).rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  req.body = undefined;
  next();
}

export function jsonBody(req: Request, res: Response, next: NextFunction): void {
  const raw = requestState(res).rawBody;
  if (raw.length === 0) {
    req.body = undefined;
    next();
    return;
  }
  try {
    req.body = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new RequestValidationError({
      endpoint: `${req.method} ${req.path}`,
      code: "invalid_json",
      issues: [
        { path: [], code: "invalid_json", message: `body is not valid JSON (${(error as Error).message})` },
      ],
    });
  }
  next();
}
