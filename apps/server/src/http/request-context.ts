import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { redactUrlCredentials } from "@promptreg/core";
import { ClientClosedError } from "../errors/client-closed-error.js";
import { originLabel, type ServerError } from "../errors/server-error.js";
import { SERVICE_LIMITS } from "../limits.js";
import type { StatsStore } from "../logic/stats-store.js";
import type { Logger } from "./logger.js";
import type { ServerMetrics, UsageMetrics } from "./metrics.js";
import { type RequestState, startRequestState } from "./request-state.js";

const EMPTY = Buffer.alloc(0);
const SAFE_REQUEST_ID = new RegExp(`^[A-Za-z0-9._:-]{1,${SERVICE_LIMITS.requestIdMaxChars}}$`);

/**
 * Starts each request (called first, by app.ts's front layer): gives it an id, its one absolute deadline, a cancellation signal and, once the response is done, one
 * log line, one histogram observation and one stats sample. Bodies are never logged.
 *
 * No timer is armed here: the deadline is enforced where the waiting happens, by whoever waits (the body read gets
 * what is left of it, a run hands it to the pipeline as `deadlineAt`). A second timer at the same instant raced the
 * gateway's and made the code a coin toss. The signal is aborted only when the client goes away (and by a shutdown's
 * drain timeout, in the stream adapter).
 */
export function requestContext({
  logger,
  metrics,
  usage,
  stats,
  timeoutMs,
  logBodies = false,
  now = Date.now,
}: {
  logger: Logger;
  metrics: ServerMetrics;
  /** Cost and token counters by template, client and business dimension. */
  usage?: UsageMetrics;
  stats: StatsStore;
  timeoutMs: number;
  /** Adds the request body (first 2 KiB) to the log line; off by default, for debugging only. */
  logBodies?: boolean;
  now?: () => number;
}) {
  /** `path`: the request's path without its query (Express's `req.path`). */
  return (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const incoming = req.headers["x-request-id"];
    const state: RequestState = {
      requestId: typeof incoming === "string" && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID(),
      path,
      startedAt: performance.now(),
      deadlineAt: Date.now() + timeoutMs,
      abort: new AbortController(),
      route: "unmatched",
      rawBody: EMPTY,
    };
    startRequestState(res, state);
    res.setHeader("x-request-id", state.requestId);
    metrics.inflight.inc();

    res.on("close", () => {
      metrics.inflight.dec();
      if (!res.writableFinished && !state.abort.signal.aborted) {
        // Recorded now: the handler's own catch runs later, after this line is logged and counted.
        const error = new ClientClosedError();
        state.error ??= error;
        state.abort.abort(error);
      }
      const latencyMs = performance.now() - state.startedAt;
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.httpDuration.observe(
        { method: req.method, route: state.route, status: String(status) },
        latencyMs / 1000,
      );
      // A stream that failed after its 200 went out (cut, stalled, timed out, shut down) failed all the same:
      // `state.error` is only ever set by a failure, so it counts even when the status line said 200.
      const failed = status >= 400 || state.error !== undefined;
      const errorOrigin = failed
        ? state.error
          ? originLabel(state.error.origin)
          : status >= 500
            ? "server"
            : "caller"
        : undefined;
      if (errorOrigin) metrics.errors.inc({ origin: errorOrigin, code: state.error?.code ?? String(status) });
      stats.record({
        at: now(),
        route: state.route,
        status,
        latencyMs,
        errorOrigin,
        template: state.template?.id,
        templateVersion: state.template?.version,
        provider: state.upstream?.provider,
        promptTokens: state.upstream?.promptTokens,
        completionTokens: state.upstream?.completionTokens,
        costUsd: state.upstream?.costUsd,
        dimensions: state.dimensions,
      });
      if (usage && state.upstream && state.template) {
        usage.record({
          template: state.template.id,
          templateVersion: state.template.version,
          client: state.client?.keyId ?? "anonymous",
          dimensions: state.dimensions,
          promptTokens: state.upstream.promptTokens,
          completionTokens: state.upstream.completionTokens,
          costUsd: state.upstream.costUsd,
        });
      }
      const ourFault = errorOrigin === "server";
      // The line is only built when it will be written (a silent or warn-level logger skips the object entirely).
      if (!logger.isLevelEnabled(ourFault ? "error" : "info")) return;
      const line: Record<string, unknown> = {
        requestId: state.requestId,
        method: req.method,
        path: state.path,
        route: state.route,
        status,
        outcome: failed ? "error" : "ok",
        latencyMs: Math.round(latencyMs * 10) / 10,
        // Key ids are identifiers, not secrets, but long ones are cut like everything else credential-shaped.
        keyId: state.client ? shortKeyId(state.client.keyId) : undefined,
        // Which secret of the key matched: during a rotation, old-secret traffic shows as secretIndex >= 1.
        secretIndex: state.secretIndex,
        templateRef: state.templateRef,
        template: state.template ? `${state.template.id}@${state.template.version}` : undefined,
        errorCode: state.error?.code,
        errorOrigin,
        errorDetail: upstreamDetail(state.error),
      };
      if (logBodies && state.rawBody.length > 0)
        line.requestBody = state.rawBody.subarray(0, SERVICE_LIMITS.loggedBodyBytes).toString("utf8");
      if (ourFault) logger.error(line, "request failed");
      else logger.info(line, "request");
    });
  };
}

function shortKeyId(keyId: string): string {
  return keyId.length <= 8 ? keyId : `${keyId.slice(0, 8)}…`;
}

/**
 * The gateway's own account of an upstream failure, which the client's message leaves out (it names URLs, hosts and
 * echoes the upstream's text): for the operator, with any credentials in a URL redacted.
 */
function upstreamDetail(error: ServerError | undefined): string | undefined {
  if (error?.origin !== "upstream" || !(error.cause instanceof Error)) return undefined;
  return redactUrlCredentials(error.cause.message).slice(0, SERVICE_LIMITS.loggedErrorDetailChars);
}
