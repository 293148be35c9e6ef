import { type Request, type Response, Router } from "express";
import { ifNoneMatchMatches } from "../http/if-none-match.js";
import { requestState } from "../http/request-state.js";
import { type BundleCache, createBundleCache } from "../logic/bundle-cache.js";
import type { RegistryHolder } from "../logic/registry-holder.js";
import { requireRegistry } from "./require-registry.js";

/**
 * `GET /v1/bundle`: the registry the client may see as a `promptreg-bundle@1` document, for embedded rendering.
 * Strong `ETag` (the bundle's content hash); `If-None-Match` with it answers 304 without a body.
 */
export function bundleRouter({
  registry,
  cache = createBundleCache(),
}: {
  registry: RegistryHolder;
  cache?: BundleCache;
}): Router {
  const router = Router();
  router.get("/v1/bundle", (req: Request, res: Response) => {
    const state = requestState(res);
    state.route = "/v1/bundle";
    const { registry: current } = requireRegistry(registry);
    const served = cache.bundleFor(current, state.client);
    res.setHeader("ETag", served.etag);
    // Revalidate every time: the registry can reload at any moment, and a 304 costs no body.
    res.setHeader("Cache-Control", "private, no-cache");
    if (ifNoneMatchMatches(req.headers["if-none-match"], served.etag)) {
      res.status(304).end();
      return;
    }
    res.type("application/json").send(served.body);
  });
  return router;
}
