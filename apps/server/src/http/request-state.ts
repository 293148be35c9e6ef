import type { ServerResponse } from "node:http";
import type { ServerError } from "../errors/server-error.js";
import type { DimensionValues } from "../logic/cost-dimensions.js";
import type { AuthenticatedClient } from "../logic/credentials.js";

/** What one request accumulates on its way through the middleware, for logs, metrics and stats. */
export interface RequestState {
  requestId: string;
  /** The path without its query, as routes match it (for the log line). */
  path: string;
  startedAt: number;
  /**
   * The request's one absolute deadline (epoch ms): its start plus PROMPTREG_REQUEST_TIMEOUT_MS, computed once when
   * it arrives. No timer fires at it: the body read gets what is left of it, and a run hands it to the pipeline as
   * `deadlineAt`, so every model call (the first and each repair) gets only what is left of the same budget and a run
   * that outlives it ends with the pipeline's `RunDeadlineError` (504 `request_timeout`).
   */
  deadlineAt: number;
  /** Aborted when the client disconnects (or a shutdown ends its stream); handlers pass it to the gateway. */
  abort: AbortController;
  /** Route template for metric labels; unmatched requests stay "unmatched" so label cardinality is bounded. */
  route: string;
  rawBody: Buffer;
  client?: AuthenticatedClient;
  /** Which of the client's secrets verified the signature (0 = first listed); undefined when auth is off. */
  secretIndex?: number;
  templateRef?: string;
  template?: { id: string; version: string };
  /** The run's business dimensions, checked against the client's declaration (cost attribution). */
  dimensions?: DimensionValues;
  upstream?: { provider?: string; promptTokens?: number; completionTokens?: number; costUsd?: number };
  error?: ServerError;
}

/**
 * Where a response carries its state: a property of Node's response itself, not Express's `res.locals`, so the hot
 * routes that skip Express's dispatch (hot-routes.ts) and every Express route find it in the same place.
 */
const STATE = Symbol("promptreg.requestState");

export function startRequestState(res: ServerResponse, state: RequestState): void {
  (res as ServerResponse & { [STATE]?: RequestState })[STATE] = state;
}

export function requestState(res: ServerResponse): RequestState {
  return (res as ServerResponse & { [STATE]?: RequestState })[STATE] as RequestState;
}
