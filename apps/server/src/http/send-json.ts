import type { ServerResponse } from "node:http";

/**
 * A JSON answer written straight to Node's response: the bytes and headers `res.json` sends (Express's default JSON
 * settings, `application/json; charset=utf-8`, Content-Length), without Express's send path, which derives the
 * content type again through `mime` and parses it back with `content-type` on every answer. For the hot routes.
 */
export function sendJson(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}
