import { type Request, type Response, Router } from "express";
import { ifNoneMatchHits } from "../http/etag.js";
import { requestState } from "../http/request-state.js";
import type { RegistryHolder } from "../logic/registry-holder.js";
import type { TemplateTypesCache } from "../logic/template-types-cache.js";
import { requireRegistry } from "./require-registry.js";

/**
 * GET /v1/types: the TypeScript `TemplateMap` of the templates the calling client may use, as `promptreg build`
 * generates it, with a strong ETag; `If-None-Match` with the current one answers 304 without a body.
 */
export function typesRouter({
  registry,
  cache,
}: {
  registry: RegistryHolder;
  cache: TemplateTypesCache;
}): Router {
  const router = Router();
  router.get("/v1/types", async (req: Request, res: Response) => {
    const state = requestState(res);
    state.route = "/v1/types";
    const { registry: current } = requireRegistry(registry);
    const types = await cache.get({ registry: current, client: state.client });
    res.setHeader("ETag", types.etag);
    // Clients may keep a copy but must ask again before using it: a reload or a moved label changes the types.
    res.setHeader("Cache-Control", "private, no-cache");
    if (ifNoneMatchHits(req.get("if-none-match"), types.etag)) {
      res.status(304).end();
      return;
    }
    res.type("text/plain; charset=utf-8").send(types.source);
  });
  return router;
}
