import { rejectionOf } from "@promptreg/test-kit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  createClient,
  IncompleteStreamError,
  InvalidResponseError,
  PromptregError,
  RequestAbortedError,
  StreamError,
  type StreamEvent,
} from "../src/index.js";
import {
  type FakeService,
  KEY_ID,
  RUN_RESULT,
  SECRET,
  sendJson,
  sseFrame,
  startFakeService,
} from "./fake-service.js";

let service: FakeService;

beforeEach(async () => {
  service = await startFakeService();
});

afterEach(async () => {
  await service.close();
});

function client() {
  return createClient({ baseUrl: service.url, keyId: KEY_ID, secret: SECRET, retry: { baseDelayMs: 1 } });
}

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };

function serveFrames(frames: string[], options: { end?: boolean } = {}) {
  service.setHandler((_call, res) => {
    res.writeHead(200, SSE_HEADERS);
    for (const frame of frames) res.write(frame);
    if (options.end !== false) res.end();
  });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

async function failure(
  iterable: AsyncIterable<unknown>,
): Promise<{ error: PromptregError; seen: unknown[] }> {
  const seen: unknown[] = [];
  const error = await rejectionOf(async () => {
    for await (const event of iterable) seen.push(event);
  }, PromptregError);
  return { error, seen };
}

const FRAMES = [
  sseFrame("delta", { text: '{"summary":' }),
  ": keep-alive comment\n\n",
  sseFrame("delta", { text: '"Printer fire","priority":"high"}' }),
  sseFrame("final", RUN_RESULT),
];
const EXPECTED: StreamEvent[] = [
  { type: "delta", text: '{"summary":' },
  { type: "delta", text: '"Printer fire","priority":"high"}' },
  { type: "final", ...RUN_RESULT },
];

describe("stream", () => {
  it("yields deltas then the final result, over a signed request with stream: true", async () => {
    serveFrames(FRAMES);
    expect(await collect(client().stream("support/summarize", { ticket: "x" }))).toEqual(EXPECTED);
    const [call] = service.calls;
    expect(call?.verify.ok).toBe(true);
    expect(call?.json).toEqual({ ref: "support/summarize", input: { ticket: "x" }, stream: true });
    expect(call?.headers.accept).toBe("text/event-stream");
  });

  it("does not send anything until iteration starts", async () => {
    serveFrames(FRAMES);
    const stream = client().stream("a", {});
    await new Promise((r) => setTimeout(r, 20));
    expect(service.calls).toHaveLength(0);
    await collect(stream);
    expect(service.calls).toHaveLength(1);
  });

  // 25 real HTTP exchanges: well under a second on a quiet box, but more than vitest's 5 s default on a loaded one,
  // and a timed-out run would leave its handler behind for the next test.
  it("parses the same events however the bytes are split into chunks (property)", {
    timeout: 120_000,
  }, async () => {
    const payload = Buffer.from(
      [
        sseFrame("delta", { text: "héllo ✓ " }),
        sseFrame("delta", { text: "wörld" }),
        sseFrame("final", RUN_RESULT),
      ].join(""),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: payload.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), payload.length];
          service.setHandler(async (_call, res) => {
            res.writeHead(200, SSE_HEADERS);
            for (let i = 0; i + 1 < points.length; i++) {
              res.write(payload.subarray(points[i], points[i + 1]));
              await new Promise((r) => setImmediate(r));
            }
            res.end();
          });
          const events = await collect(client().stream("a", {}));
          expect(events).toEqual([
            { type: "delta", text: "héllo ✓ " },
            { type: "delta", text: "wörld" },
            { type: "final", ...RUN_RESULT },
          ]);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("accepts frames without event names and a final wrapped in { result }, and passes repair markers", async () => {
    serveFrames([
      `data: ${JSON.stringify({ type: "delta", text: "bad" })}\n\n`,
      sseFrame("repair", { attempt: 1, reason: "output did not match the schema" }),
      sseFrame("delta", { text: "good" }),
      sseFrame("ping", {}),
      sseFrame("final", { type: "final", result: RUN_RESULT }),
    ]);
    expect(await collect(client().stream("a", {}))).toEqual([
      { type: "delta", text: "bad" },
      { type: "repair", attempt: 1, reason: "output did not match the schema" },
      { type: "delta", text: "good" },
      { type: "final", ...RUN_RESULT },
    ]);
  });

  it("throws a typed StreamError for an error frame, after the deltas before it", async () => {
    serveFrames([
      sseFrame("delta", { text: "partial" }),
      sseFrame("error", {
        error: {
          type: "upstream_error",
          code: "gateway_stream_failed",
          message: "model died",
          requestId: "srv-7",
        },
      }),
    ]);
    const { error, seen } = await failure(client().stream("a", {}));
    expect(StreamError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      type: "upstream_error",
      code: "gateway_stream_failed",
      requestId: "srv-7",
    });
    expect(error.message).toContain("model died");
    expect(seen).toEqual([{ type: "delta", text: "partial" }]);
  });

  it("throws IncompleteStreamError with the partial text when the stream ends without a final event", async () => {
    serveFrames([sseFrame("delta", { text: "Hello " }), sseFrame("delta", { text: "wor" })]);
    const { error } = await failure(client().stream("a", {}));
    expect(IncompleteStreamError.isInstance(error)).toBe(true);
    expect((error as IncompleteStreamError).partialText).toBe("Hello wor");
    expect(error.code).toBe("incomplete_stream");
    expect(error.requestId).toBe("req-1");
  });

  it("throws IncompleteStreamError when the connection is cut mid-stream", async () => {
    service.setHandler((_call, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(sseFrame("delta", { text: "cut" }), () => setTimeout(() => res.destroy(), 20));
    });
    const { error } = await failure(client().stream("a", {}));
    expect(IncompleteStreamError.isInstance(error)).toBe(true);
    expect((error as IncompleteStreamError).partialText).toBe("cut");
  });

  it("cancels the HTTP request when the caller breaks out of the loop", async () => {
    service.setHandler((_call, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(sseFrame("delta", { text: "first" }));
      // Keeps streaming until the client goes away; the interval is cleared on close.
      const timer = setInterval(() => res.write(sseFrame("delta", { text: "more" })), 10);
      res.on("close", () => clearInterval(timer));
    });
    for await (const event of client().stream("a", {})) {
      expect(event).toEqual({ type: "delta", text: "first" });
      break;
    }
    expect(await service.calls[0]?.clientGone).toBe(true);
  });

  it("aborts mid-stream through the caller's signal", async () => {
    service.setHandler((_call, res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(sseFrame("delta", { text: "first" }));
    });
    const controller = new AbortController();
    const seen: StreamEvent[] = [];
    const error = await rejectionOf(async () => {
      for await (const event of client().stream("a", {}, { signal: controller.signal })) {
        seen.push(event);
        controller.abort();
      }
    });
    expect(RequestAbortedError.isInstance(error)).toBe(true);
    expect(seen).toHaveLength(1);
    expect(await service.calls[0]?.clientGone).toBe(true);
  });

  it("retries a 429 before the stream opens, then streams", async () => {
    service.setHandler((_call, res, index) => {
      if (index === 0) {
        sendJson(
          res,
          429,
          { error: { type: "rate_limited", code: "rate_limited", message: "wait", requestId: "r" } },
          {
            "retry-after": "0",
          },
        );
        return;
      }
      res.writeHead(200, SSE_HEADERS);
      res.end(FRAMES.join(""));
    });
    expect(await collect(client().stream("a", {}))).toEqual(EXPECTED);
    expect(service.calls).toHaveLength(2);
    expect(service.rejected).toEqual([]);
  });

  it("maps an HTTP error before the stream opens like run does", async () => {
    const bad = createClient({ baseUrl: service.url, keyId: KEY_ID, secret: "wrong-secret-wrong-secret" });
    const { error } = await failure(bad.stream("a", {}));
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error.code).toBe("signature_mismatch");
  });

  it("rejects a 200 answer that is not an event stream, and a data frame that is not JSON", async () => {
    service.setHandler((_call, res) => sendJson(res, 200, RUN_RESULT));
    const notSse = await failure(client().stream("a", {}));
    expect(InvalidResponseError.isInstance(notSse.error)).toBe(true);
    expect(notSse.error.code).toBe("not_event_stream");
    serveFrames(["event: delta\ndata: {oops\n\n"]);
    const badFrame = await failure(client().stream("a", {}));
    expect(badFrame.error.code).toBe("invalid_event");
  });
});
