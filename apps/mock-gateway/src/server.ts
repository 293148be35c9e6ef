import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseChatRequest, readBody } from "./chat-request.js";
import { IdempotencyConflictError } from "./errors/idempotency-conflict-error.js";
import { InvalidFaultStepError } from "./errors/invalid-fault-step-error.js";
import { InvalidRequestError } from "./errors/invalid-request-error.js";
import { ListenError } from "./errors/listen-error.js";
import { ReplySchemaError } from "./errors/reply-schema-error.js";
import { Exchange } from "./exchange.js";
import { FaultSelector, type MockGatewayStats } from "./faults/fault-selector.js";
import { type FaultStep, OK_STEP } from "./faults/fault-step.js";
import { IdempotencyStore } from "./idempotency-store.js";
import { type GatewayConfig, type MockGatewayOptions, resolveOptions } from "./options.js";
import { echoText } from "./reply/echo-text.js";
import { gatewayErrorBody } from "./reply/error-body.js";
import { jsonFromSchema } from "./reply/json-from-schema.js";
import { computeUsage } from "./reply/usage.js";
import { respond, sendJson } from "./respond.js";

/** A `node:http` request listener with the mock's state attached, for embedding in another server. */
export interface MockGatewayHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  stats(): MockGatewayStats;
  /** Forgets script positions and counters and restarts the seeded random sequence. */
  reset(): void;
  /** Ends every delayed or stalled response now (their sockets are destroyed). */
  dispose(): void;
}

export interface MockGateway {
  /** Base URL for OpenAI-compatible clients, e.g. `http://127.0.0.1:50123/v1`. */
  url: string;
  port: number;
  close(): Promise<void>;
  stats(): MockGatewayStats;
  reset(): void;
}

// Ids are a random per-process prefix plus a counter: unique, 32 hex digits like a UUID, and far cheaper
// than a UUID per id on the hot path.
const ID_PREFIX = randomBytes(6).toString("hex");
let idCounter = 0;
function newId(kind: "req" | "gen"): string {
  idCounter = (idCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${kind}_${ID_PREFIX}${idCounter.toString(16).padStart(20, "0")}`;
}

function providerOf(model: string, config: GatewayConfig): string {
  const mapped = config.providers.get(model);
  if (mapped !== undefined) return mapped;
  const slash = model.indexOf("/");
  return slash > 0 ? model.slice(0, slash) : "mock";
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * Steps that deliver a whole completion: the ones a gateway charges for, and the only ones worth replaying. An
 * in-band error only breaks a stream; a plain reply under it is whole.
 */
function delivers(step: FaultStep, stream: boolean): boolean {
  return (
    step.kind === "ok" ||
    step.kind === "delay" ||
    step.kind === "drip" ||
    step.kind === "failover" ||
    step.kind === "cache-hit" ||
    (step.kind === "inband-error" && !stream)
  );
}

function checkAuth(req: IncomingMessage, expected: Buffer | undefined): void {
  if (expected === undefined) return;
  const header = req.headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  // Hash both sides so the comparison is constant-time whatever the lengths.
  if (match && timingSafeEqual(digest(match[1]!.trim()), expected)) return;
  throw new InvalidRequestError({
    status: 401,
    param: "Authorization",
    errorType: "authentication_error",
    message: match
      ? "Invalid API key in the Authorization header. Use the key the mock gateway was started with."
      : "Missing API key: send the header `Authorization: Bearer <key>` with the key the mock gateway was started with.",
  });
}

function sendError(exchange: Exchange, error: unknown, generationId: string): void {
  if (exchange.closed || exchange.res.headersSent) {
    exchange.destroy();
    return;
  }
  let status = 500;
  let param: string | null = null;
  let type = "server_error";
  let message = `Mock gateway bug: ${(error as Error)?.message ?? String(error)}`;
  let code: string | null = "internal_error";
  if (InvalidRequestError.isInstance(error)) {
    ({ status, param, message } = error);
    type = error.errorType;
    code = status === 401 ? "invalid_api_key" : "invalid_request";
  } else if (ReplySchemaError.isInstance(error)) {
    status = 400;
    param = "response_format.json_schema.schema";
    type = "invalid_request_error";
    code = error.code;
    message = error.message;
  } else if (IdempotencyConflictError.isInstance(error)) {
    status = 422;
    param = "Idempotency-Key";
    type = "idempotency_error";
    code = error.code;
    message = error.message;
  } else if (InvalidFaultStepError.isInstance(error)) {
    status = 400;
    param = error.source.startsWith("model") ? "model" : "x-mock-faults";
    type = "invalid_request_error";
    code = error.code;
    message = error.message;
  }
  const body = gatewayErrorBody({ status, provider: "mock", generationId, message, param, code, type });
  sendJson(exchange, status, body, { "x-request-id": newId("req"), "x-generation-id": generationId });
}

/** Builds the request listener; options are validated here (InvalidOptionsError, InvalidFaultStepError). */
export function createMockGatewayHandler(options: MockGatewayOptions = {}): MockGatewayHandler {
  const config = resolveOptions(options);
  const selector = new FaultSelector(config);
  const expectedKey = config.apiKey === undefined ? undefined : digest(config.apiKey);
  const live = new Set<Exchange>();
  const replies = new IdempotencyStore(config.idempotency);

  async function chat(req: IncomingMessage, exchange: Exchange, generationId: string): Promise<void> {
    const body = await readBody(req);
    const request = parseChatRequest(body);
    const idempotencyKey = singleHeader(req.headers["idempotency-key"]);
    const bodyHash =
      !idempotencyKey || !replies.enabled ? "" : createHash("sha256").update(body).digest("hex");
    const stored = bodyHash === "" ? undefined : replies.get(idempotencyKey!);
    if (stored !== undefined) {
      if (stored.bodyHash !== bodyHash) throw new IdempotencyConflictError({ key: idempotencyKey! });
      selector.countReplay(idempotencyKey!);
      const { plan, step } = stored;
      await respond({
        exchange,
        // Replayed as the reply was delivered: a failover or cache hit keeps its provider and headers; a delay,
        // drip or (plain) in-band error step is not played again.
        step: step.kind === "failover" || step.kind === "cache-hit" ? step : OK_STEP,
        stream: request.stream,
        headers: {
          "x-request-id": newId("req"),
          "x-generation-id": plan.id,
          "x-phaseo-provider": plan.provider,
          "x-provider": plan.provider,
          "x-mock-step": "replay",
          "idempotent-replayed": "true",
        },
        latency: config.latency,
        stallTimeoutMs: config.stallTimeoutMs,
        plan,
      });
      return;
    }
    const selection = selector.select(request.model, req.headers);
    const provider = providerOf(selection.servedModel, config);
    const echo = echoText(request.messages);
    const content =
      request.jsonSchema === undefined ? echo : JSON.stringify(jsonFromSchema(request.jsonSchema, echo));
    const withCost = config.cost || req.headers["x-mock-cost"]?.toString().toLowerCase() === "on";
    const headers: OutgoingHttpHeaders = {
      "x-request-id": newId("req"),
      "x-generation-id": generationId,
      "x-phaseo-provider": provider,
      "x-provider": provider,
      "x-mock-step": selection.step.text,
      "x-mock-attempt": String(selection.attempt),
    };
    const plan = {
      id: generationId,
      created: Math.floor(Date.now() / 1000),
      model: selection.servedModel,
      provider,
      content,
      usage: computeUsage({ messages: request.messages, reply: content, withCost }),
    };
    await respond({
      exchange,
      step: selection.step,
      stream: request.stream,
      headers,
      latency: config.latency,
      stallTimeoutMs: config.stallTimeoutMs,
      plan,
      // Charged when the reply starts, after any delay step: a client that hung up during the delay (an attempt
      // timeout) was never answered, so its retry gets the script's next step, not a replay. A client that leaves
      // after this point has still paid, and its retry with the same key gets this reply instead of a second charge.
      onGenerated: () => {
        if (!delivers(selection.step, request.stream)) return;
        selector.billed++;
        if (bodyHash !== "") replies.set(idempotencyKey!, { bodyHash, plan, step: selection.step });
      },
    });
  }

  function models(exchange: Exchange, id: string | undefined): void {
    const entry = (model: string) => ({
      id: model,
      object: "model",
      created: 1_700_000_000,
      owned_by: providerOf(model, config),
    });
    const body = id === undefined ? { object: "list", data: config.models.map(entry) } : entry(id);
    sendJson(exchange, 200, body, { "x-request-id": newId("req") });
  }

  async function route(req: IncomingMessage, exchange: Exchange, generationId: string): Promise<void> {
    selector.requests++;
    const path = (req.url ?? "/").split("?", 1)[0]!.replace(/\/+$/, "");
    const method = req.method ?? "GET";
    if (path === "/health" || path === "/v1/health") {
      sendJson(exchange, 200, { status: "ok" });
      return;
    }
    const isChat = path === "/v1/chat/completions";
    const isModels = path === "/v1/models" || path.startsWith("/v1/models/");
    if (!isChat && !isModels) {
      throw new InvalidRequestError({
        status: 404,
        param: null,
        errorType: "not_found_error",
        message: `No route ${method} ${path}: the mock gateway serves POST /v1/chat/completions and GET /v1/models.`,
      });
    }
    if ((isChat && method !== "POST") || (isModels && method !== "GET")) {
      throw new InvalidRequestError({
        status: 405,
        param: null,
        message: `Method ${method} is not allowed on ${path}; use ${isChat ? "POST" : "GET"}.`,
      });
    }
    checkAuth(req, expectedKey);
    if (isChat) return chat(req, exchange, generationId);
    const raw = path.length > "/v1/models/".length ? path.slice("/v1/models/".length) : undefined;
    let id: string | undefined;
    try {
      id = raw === undefined ? undefined : decodeURIComponent(raw);
    } catch {
      throw new InvalidRequestError({
        status: 400,
        param: null,
        message: `Model id "${raw}" in the path is not valid percent-encoding; encode it with encodeURIComponent.`,
      });
    }
    models(exchange, id);
  }

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    const exchange = new Exchange(res, () => live.delete(exchange));
    const generationId = newId("gen");
    live.add(exchange);
    route(req, exchange, generationId).catch((error: unknown) => sendError(exchange, error, generationId));
  }) as MockGatewayHandler;
  handler.stats = () => selector.stats();
  handler.reset = () => {
    selector.reset();
    replies.clear();
  };
  handler.dispose = () => {
    for (const exchange of live) exchange.destroy();
    live.clear();
  };
  return handler;
}

/**
 * Starts the mock gateway on 127.0.0.1 and a free port (by default). `close()` also destroys open, stalled
 * and delayed connections, so tests never wait for a 60 s stall to time out.
 */
export async function createMockGateway(options: MockGatewayOptions = {}): Promise<MockGateway> {
  const handler = createMockGatewayHandler(options);
  const { host, port } = resolveOptions(options);
  const server = createServer({ keepAliveTimeout: 5_000 }, handler);
  await new Promise<void>((resolve, reject) => {
    const onError = (cause: Error) => reject(new ListenError({ host, port, cause }));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" || host.includes(":") ? `[${address.address}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}/v1`,
    port: address.port,
    stats: handler.stats,
    reset: handler.reset,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        handler.dispose();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
