import type { OutgoingHttpHeaders } from "node:http";
import type { Exchange } from "./exchange.js";
import type { FaultStep, RetryAfterSpec } from "./faults/fault-step.js";
import { completionBody, completionChunk, type ReplyPlan } from "./reply/completion.js";
import { splitIntoChunks } from "./reply/echo-text.js";
import { gatewayErrorBody } from "./reply/error-body.js";
import { SseWriter } from "./stream.js";

export interface RespondOptions {
  exchange: Exchange;
  step: FaultStep;
  plan: ReplyPlan;
  stream: boolean;
  headers: OutgoingHttpHeaders;
  latency: { firstByte: number; perChunk: number };
  stallTimeoutMs: number;
  /**
   * Called once the reply's first byte is due and its client is still there: the moment the completion counts as
   * generated (and so charged). Never called for a status reply, a reset, or a client that left during the delay.
   */
  onGenerated?: () => void;
}

function retryHeaders(spec: RetryAfterSpec | undefined): OutgoingHttpHeaders {
  if (spec === undefined) return {};
  switch (spec.kind) {
    case "seconds":
      return { "retry-after": String(spec.seconds) };
    case "date":
      return { "retry-after": new Date(Date.now() + spec.seconds * 1000).toUTCString() };
    case "ms":
      return { "retry-after-ms": String(spec.ms) };
    case "raw":
      return { "retry-after": spec.text };
    case "none":
      return {};
  }
}

export function sendJson(
  exchange: Exchange,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  if (exchange.closed) return;
  const text = JSON.stringify(body);
  exchange.res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  exchange.res.end(text);
}

async function streamReply(options: RespondOptions, plan: ReplyPlan, chunkDelay: number): Promise<void> {
  const { exchange, step } = options;
  const sse = new SseWriter(exchange.res);
  sse.start(options.headers);
  const chunks = splitIntoChunks(plan.content);
  const limit =
    step.kind === "stall" || step.kind === "cut" || step.kind === "inband-error"
      ? Math.min(step.after, chunks.length)
      : chunks.length;
  for (let i = 0; i < limit; i++) {
    if (!(await exchange.wait(chunkDelay)) || !sse.open) return;
    sse.data(completionChunk(plan, { role: i === 0, content: chunks[i]! }));
    if (i === 0 && step.kind === "malformed")
      sse.rawData(`{"id": "${plan.id}", "choices": [{"delta": {"content": `);
  }
  switch (step.kind) {
    case "stall":
      return exchange.hold(options.stallTimeoutMs);
    case "cut":
      return sse.end();
    case "inband-error": {
      const error = gatewayErrorBody({
        status: 502,
        provider: plan.provider,
        generationId: plan.id,
        message: `The provider failed mid-stream after ${limit} chunks (mock gateway inband-error)`,
      });
      sse.data(error);
      return sse.end();
    }
    default:
      if (!(await exchange.wait(chunkDelay))) return;
      sse.data(completionChunk(plan, { finishReason: "stop" }, plan.usage));
      sse.done();
  }
}

function plainReply(options: RespondOptions, plan: ReplyPlan): Promise<void> | undefined {
  const { exchange, step } = options;
  const text = JSON.stringify(completionBody(plan));
  const res = exchange.res;
  switch (step.kind) {
    case "stall":
      res.writeHead(200, {
        ...options.headers,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.flushHeaders();
      return exchange.hold(options.stallTimeoutMs);
    case "cut":
      // No content-length: chunked encoding lets the body end cleanly in the middle of the JSON.
      res.writeHead(200, { ...options.headers, "content-type": "application/json" });
      res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      return;
    case "malformed":
      res.writeHead(200, { ...options.headers, "content-type": "application/json" });
      res.end(`<html><body>502 upstream garbage for ${plan.id}</body></html>`);
      return;
    default:
      res.writeHead(200, {
        ...options.headers,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(text),
      });
      res.end(text);
  }
}

/** Answers one chat request according to its fault step. */
export async function respond(options: RespondOptions): Promise<void> {
  const { exchange, step, plan } = options;
  if (step.kind === "reset") {
    exchange.destroy();
    return;
  }
  const firstByte = options.latency.firstByte + (step.kind === "delay" ? step.ms : 0);
  if (!(await exchange.wait(firstByte))) return;

  if (step.kind !== "status") options.onGenerated?.();
  if (step.kind === "status") {
    const body = gatewayErrorBody({ status: step.status, provider: plan.provider, generationId: plan.id });
    sendJson(exchange, step.status, body, { ...options.headers, ...retryHeaders(step.retryAfter) });
    return;
  }
  let served = plan;
  let headers = options.headers;
  if (step.kind === "failover") {
    served = { ...plan, provider: step.provider, model: step.model };
    headers = { ...headers, "x-phaseo-provider": step.provider, "x-provider": step.provider };
  } else if (step.kind === "cache-hit") {
    headers = { ...headers, "x-phaseo-cache": "hit" };
  }
  const local = { ...options, headers };
  if (options.stream) {
    const chunkDelay = options.latency.perChunk + (step.kind === "drip" ? step.ms : 0);
    return streamReply(local, served, chunkDelay);
  }
  return plainReply(local, served);
}
