import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileForSitePath } from "../src/index.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

/**
 * Serves a built site under `base` on 127.0.0.1 with a free port, as a plain static host does: `/x/` serves
 * `x/index.html`, `/x` serves `x.html`. Everything else is 404.
 */
export async function serveStatic(options: {
  root: string;
  base: string;
}): Promise<{ url: string; close(): Promise<void> }> {
  const { root, base } = options;
  const server: Server = createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://site").pathname);
    const file = pathname.startsWith(base)
      ? path.join(root, fileForSitePath(pathname.slice(base.length)))
      : undefined;
    const found = file?.startsWith(root)
      ? await stat(file).then(
          (entry) => entry.isFile(),
          () => false,
        )
      : false;
    if (!file || !found) {
      response.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${pathname}`);
      return;
    }
    response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
