import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createMemoryNonceStore, type VerifyResult, verifyRequest } from "@promptreg/signing";

export const KEY_ID = "test-app";
export const SECRET = "client-test-secret-0123456789";

export interface ReceivedCall {
  method: string;
  pathAndQuery: string;
  headers: IncomingMessage["headers"];
  rawBody: Buffer;
  json: Record<string, unknown>;
  verify: VerifyResult;
  /** Resolves true when the client went away before the response finished. */
  clientGone: Promise<boolean>;
}

export type Handler = (call: ReceivedCall, res: ServerResponse, index: number) => void | Promise<void>;

export interface FakeService {
  url: string;
  calls: ReceivedCall[];
  /** Calls that failed signature verification (answered 401 by the fake itself). */
  rejected: VerifyResult[];
  setHandler(handler: Handler): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that verifies every request with @promptreg/signing's verifyRequest, exactly as
 * the service does, and answers 401 with the service's error shape when verification fails.
 */
export async function startFakeService(handler: Handler = () => undefined): Promise<FakeService> {
  const nonceStore = createMemoryNonceStore();
  const calls: ReceivedCall[] = [];
  const rejected: VerifyResult[] = [];
  let current = handler;
  let requestCounter = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const requestId = `req-${++requestCounter}`;
    res.setHeader("x-request-id", requestId);
    const verify = await verifyRequest({
      method: req.method ?? "GET",
      pathAndQuery: req.url ?? "/",
      headers: req.headers,
      body: rawBody,
      lookupSecrets: (keyId) => (keyId === KEY_ID ? [SECRET] : undefined),
      nonceStore,
    });
    if (!verify.ok) {
      rejected.push(verify);
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { type: "authentication_error", code: verify.reason, message: verify.message, requestId },
        }),
      );
      return;
    }
    const clientGone = new Promise<boolean>((resolve) => {
      res.on("close", () => resolve(!res.writableFinished));
    });
    const call: ReceivedCall = {
      method: req.method ?? "GET",
      pathAndQuery: req.url ?? "/",
      headers: req.headers,
      rawBody,
      json: (rawBody.length === 0 ? {} : JSON.parse(rawBody.toString("utf8"))) as Record<string, unknown>,
      verify,
      clientGone,
    };
    calls.push(call);
    try {
      await current(call, res, calls.length - 1);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    rejected,
    setHandler(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export function sseFrame(event: string | undefined, data: unknown): string {
  return `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
}

export const RESOLVED = { id: "support/summarize", version: "1.2.0", hash: "sha256:abc" };

export const RUN_RESULT = {
  ref: RESOLVED,
  output: { summary: "Printer fire", priority: "high" },
  text: '{"summary":"Printer fire","priority":"high"}',
  usage: { promptTokens: 12, completionTokens: 8, totalTokens: 20 },
  cost: 0.0004,
  latencyMs: 42,
  repairs: 0,
  metadata: { provider: "mock", servedModel: "mock-1" },
};

export const RENDER_RESULT = {
  ref: RESOLVED,
  messages: [
    { role: "system", content: "You summarise tickets." },
    { role: "user", content: "Printer is on fire" },
  ],
  model: "openai/gpt-4o-mini",
  params: { temperature: 0 },
  fallbacks: [],
  outputSchema: { type: "object" },
};
