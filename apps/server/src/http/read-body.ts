import type { IncomingMessage } from "node:http";
import { BodyTimeoutError } from "../errors/body-timeout-error.js";
import { BodyTooLargeError } from "../errors/body-too-large-error.js";
import { ClientClosedError } from "../errors/client-closed-error.js";
import { UnsupportedMediaTypeError } from "../errors/unsupported-media-type-error.js";

const EMPTY = Buffer.alloc(0);

/** Content-Length as a number, or undefined when absent or not a plain decimal (Node's parser already refused those). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  if (header === undefined || !/^[0-9]{1,20}$/.test(header)) return undefined;
  return Number(header);
}

/** Whether the request says it carries body bytes: a non-zero Content-Length, or a Transfer-Encoding (chunked). */
export function declaresBody(req: IncomingMessage): boolean {
  const length = declaredLength(req);
  return length !== undefined ? length > 0 : req.headers["transfer-encoding"] !== undefined;
}

/** Refuses, before a byte is read, a body that says it is over the limit or compressed. */
export function checkDeclaredBody(req: IncomingMessage, limitBytes: number): void {
  const length = declaredLength(req);
  if (length !== undefined && length > limitBytes) {
    throw new BodyTooLargeError({ limitBytes, declaredBytes: length });
  }
  const encoding = req.headers["content-encoding"];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
    throw new UnsupportedMediaTypeError({ header: "Content-Encoding", value: encoding });
  }
}

/**
 * The whole body when it is already buffered in `req` and nothing has read it yet: taken in one synchronous read,
 * without `readBody`'s listeners, promise and timer. That is the usual case for a small body: node:http pushes the
 * bytes that came in the same socket read as the headers right after the 'request' event. `EMPTY` without a body;
 * undefined when the body is still arriving, has no declared length (chunked) or is over `limitBytes`: read it with
 * `readBody`, which applies the limit, the deadline and the client-closed checks as it arrives.
 */
export function takeBufferedBody(req: IncomingMessage, limitBytes: number): Buffer | undefined {
  const length = declaredLength(req);
  if (length === undefined) return req.headers["transfer-encoding"] === undefined ? EMPTY : undefined;
  if (length === 0) return EMPTY;
  if (
    length > limitBytes ||
    req.readableLength < length ||
    req.readableFlowing !== null ||
    req.readableEncoding !== null ||
    req.destroyed
  ) {
    return undefined;
  }
  const body = req.read() as Buffer | null;
  if (body === null) return undefined;
  // Flowing with nothing left to read: the stream ends (and closes) as soon as node:http has seen the message end.
  req.resume();
  return body;
}

/**
 * Reads the raw body bytes with a size limit and a deadline for the whole body. A body that grows past the limit is
 * 413 as soon as it does; one that is not complete at the deadline is 408 (a slow sender is the caller's problem,
 * never an upstream timeout); a client that goes away is 499. The rest of an abandoned body is never read: the
 * error answer closes the connection.
 */
export function readBody(
  req: IncomingMessage,
  { limitBytes, deadlineMs }: { limitBytes: number; deadlineMs: number },
): Promise<Buffer> {
  if (!declaresBody(req)) return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: Error | undefined) => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClosed);
      req.off("error", onClosed);
      req.pause();
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) finish(new BodyTooLargeError({ limitBytes }));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    // 'close' before 'end': the client went away mid-body.
    const onClosed = () => finish(new ClientClosedError());
    const timer = setTimeout(
      () => finish(new BodyTimeoutError({ timeoutMs: deadlineMs, receivedBytes: received })),
      deadlineMs,
    );
    timer.unref();
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClosed);
    req.on("error", onClosed);
  });
}
