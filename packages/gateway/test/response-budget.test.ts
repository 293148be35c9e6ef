import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { rejectionOf, thrownBy } from "@promptreg/test-kit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createGatewayClient,
  DEFAULT_MAX_RESPONSE_BYTES,
  IncompleteStreamError,
  InvalidConfigError,
  UpstreamError,
} from "../src/index.js";
import { KEY, MESSAGES } from "./harness.js";

/**
 * `maxResponseBytes`: an upstream answer larger than the budget ends the attempt with a typed, non-retryable error
 * instead of growing the caller's memory, for plain bodies and streams alike, over both transports.
 */
let server: Server;
let url: string;
/** What the next request gets, by the `x-test-case` header; how many requests each case received. */
const answers = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
const received = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const name = String(req.headers["x-test-case"]);
    received.set(name, (received.get(name) ?? 0) + 1);
    req.resume();
    req.on("end", () => answers.get(name)?.(req, res));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let cases = 0;
/** Registers an answer under a fresh case name and returns a client whose calls carry it. */
function caseClient(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
  settings: { maxResponseBytes?: number; fetch?: typeof globalThis.fetch } = {},
) {
  const name = `case-${++cases}`;
  answers.set(name, answer);
  const client = createGatewayClient({
    baseUrl: url,
    apiKey: KEY,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    retryBudget: false,
    ...settings,
  });
  const call = { model: "m", messages: MESSAGES };
  const options = { headers: { "x-test-case": name } };
  return { client, call, options, requests: () => received.get(name) ?? 0 };
}

/** The length of a completion whose content is empty. */
const BARE_LENGTH = JSON.stringify({ model: "m", choices: [{ index: 0, message: { content: "" } }] }).length;

/** A completion whose JSON is exactly `size` bytes long (size >= BARE_LENGTH), its content that many `x` less. */
function completionOfSize(size: number): string {
  return JSON.stringify({
    model: "m",
    choices: [{ index: 0, message: { content: "x".repeat(size - BARE_LENGTH) } }],
  });
}

const frame = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

describe("maxResponseBytes", () => {
  it("defaults to 16 MiB and refuses a budget that is not a positive integer, naming the option", () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(16 * 1024 * 1024);
    for (const bad of [0, -1, 1.5, Number.NaN, "1024"]) {
      const error = thrownBy(
        () => createGatewayClient({ baseUrl: url, apiKey: KEY, maxResponseBytes: bad as unknown as number }),
        InvalidConfigError,
      );
      expect(error.path).toBe("maxResponseBytes");
    }
  });

  it("reads a plain answer of up to the budget and refuses one byte more, over both transports (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 200, max: 20_000 }),
        fc.integer({ min: -40, max: 40 }),
        fc.boolean(),
        async (limit, offset, viaFetch) => {
          const body = completionOfSize(limit + offset);
          const { client, call, options, requests } = caseClient(
            (_req, res) => {
              res.writeHead(200, { "content-type": "application/json" });
              // Written in pieces, so the budget is crossed in the middle of the body as well as at its end.
              for (let at = 0; at < body.length; at += 997) res.write(body.slice(at, at + 997));
              res.end();
            },
            { maxResponseBytes: limit, ...(viaFetch ? { fetch: globalThis.fetch } : {}) },
          );
          try {
            if (body.length <= limit) {
              expect((await client.chat(call, options)).text).toBe("x".repeat(body.length - BARE_LENGTH));
              return;
            }
            const error = await rejectionOf(client.chat(call, options), UpstreamError);
            expect(error.reason).toBe("too_large");
            expect(error.retryable).toBe(false);
            expect(error.message).toContain(`more than ${limit} bytes`);
            // Not retried: the same answer would be as large again.
            expect(requests()).toBe(1);
          } finally {
            await client.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it("ends a stream that sends more than the budget with a non-retryable IncompleteStreamError", async () => {
    let stopped = false;
    const { client, call, options, requests } = caseClient(
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        // Never ends by itself: without the budget the client would read this until its deadline.
        const timer = setInterval(() => {
          if (res.destroyed) {
            clearInterval(timer);
            stopped = true;
            return;
          }
          res.write(frame("y".repeat(500)));
        }, 1);
      },
      { maxResponseBytes: 20_000 },
    );
    try {
      // A deadline, so that a client without the budget fails this test instead of reading until its default one.
      const stream = client.chatStream(call, { ...options, deadlineMs: 20_000 });
      let delivered = 0;
      const error = await rejectionOf(
        (async () => {
          for await (const delta of stream) delivered += delta.text.length;
        })(),
        IncompleteStreamError,
      );
      expect(error.reason).toBe("too_large");
      expect(error.retryable).toBe(false);
      expect(error.message).toContain("maxResponseBytes");
      expect(delivered).toBeGreaterThan(0);
      expect(delivered).toBeLessThan(20_000);
      expect(error.partialText.length).toBe(delivered);
      expect(requests()).toBe(1);
      await expect(stream.result).rejects.toSatisfy((e: unknown) => IncompleteStreamError.isInstance(e));
      // The client dropped the connection, so the endless answer stopped.
      await expect.poll(() => stopped, { timeout: 30_000 }).toBe(true);
    } finally {
      await client.close();
    }
  });

  it("reads an error answer's body only up to 64 KiB, whatever its size", async () => {
    const message = "m".repeat(300_000);
    const { client, call, options } = caseClient((_req, res) => {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message, type: "invalid_request_error" } }));
    });
    try {
      const error = await rejectionOf(client.chat(call, options));
      // The truncated body is not JSON, so the error keeps at most the 64 KiB that were read.
      expect(JSON.stringify(error).length).toBeLessThan(70 * 1024);
    } finally {
      await client.close();
    }
  });
});
