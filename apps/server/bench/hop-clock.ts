// Preload of bench/ttfb-hops.ts (`node --import`) for the service and the mock gateway: stamps the hops of every
// request the process serves on the monotonic clock, which all processes of the machine share, and writes them as JSON
// to HOP_CLOCK_FILE when the process exits. It hooks the diagnostics channels of node:http and undici, and the socket
// writes of net.Socket, to see when a response's bytes leave (not when they were written into a corked stream).
import diagnostics from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import { Socket } from "node:net";

/** One served request's hops, in µs; requests are sequential, so upstream hops belong to the last request received. */
export interface HopStamps {
  /** Its headers were parsed (http.server.request.start). */
  received: number;
  /** The upstream request was created, its headers were handed to the socket, its answer's headers came back. */
  upstreamCreated?: number;
  upstreamSent?: number;
  upstreamHeaders?: number;
  /** The upstream answer's first body chunk came back. */
  upstreamBody?: number;
  /** The response's first and second socket writes (headers usually leave with the first). */
  firstWrite?: number;
  secondWrite?: number;
}

const now = () => Number(process.hrtime.bigint()) / 1e3;
const stamps: HopStamps[] = [];
const bySocket = new WeakMap<Socket, HopStamps>();
let current: HopStamps | undefined;

diagnostics.subscribe("http.server.request.start", (message) => {
  current = { received: now() };
  stamps.push(current);
  bySocket.set((message as { socket: Socket }).socket, current);
});
const upstream = (field: "upstreamCreated" | "upstreamSent" | "upstreamHeaders" | "upstreamBody") => () => {
  if (current && current[field] === undefined) current[field] = now();
};
diagnostics.subscribe("undici:request:create", upstream("upstreamCreated"));
diagnostics.subscribe("undici:client:sendHeaders", upstream("upstreamSent"));
diagnostics.subscribe("undici:request:headers", upstream("upstreamHeaders"));
diagnostics.subscribe("undici:request:bodyChunkReceived", upstream("upstreamBody"));

type WriteMethod = (this: Socket, ...args: unknown[]) => void;
const socketWrites = Socket.prototype as unknown as Record<"_write" | "_writev", WriteMethod>;
for (const method of ["_write", "_writev"] as const) {
  const write = socketWrites[method];
  socketWrites[method] = function (this: Socket, ...args: unknown[]) {
    const served = bySocket.get(this);
    if (served?.firstWrite === undefined) {
      if (served) served.firstWrite = now();
    } else if (served.secondWrite === undefined) served.secondWrite = now();
    return write.apply(this, args);
  };
}

process.on("exit", () => {
  if (process.env.HOP_CLOCK_FILE) writeFileSync(process.env.HOP_CLOCK_FILE, JSON.stringify(stamps));
});
