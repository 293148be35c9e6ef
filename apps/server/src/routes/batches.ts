import type { BatchStore } from "@promptreg/batches";
import { type Request, type Response, Router } from "express";
import { BatchesNotConfiguredError } from "../errors/batches-not-configured-error.js";
import { ServerError } from "../errors/server-error.js";
import { parseRequest } from "../http/parse-request.js";
import { requestState } from "../http/request-state.js";
import { batchResultsQuerySchema, batchSubmitRequestSchema } from "../http/schemas.js";
import { createErrorConverter, type ErrorMapper } from "../http/to-server-error.js";
import type { RegistryHolder } from "../logic/registry-holder.js";
import { requireRegistry } from "./require-registry.js";
import { authorizeRef, recordDimensions } from "./run-context.js";

export interface BatchRoutesOptions {
  /** Undefined without REDIS_URL: every batch endpoint answers 501 `batches_not_configured`. */
  batches: BatchStore | undefined;
  registry: RegistryHolder;
  errorMappers: ErrorMapper[];
  dimensionNames?: readonly string[];
}

/** NDJSON is chosen by `Accept: application/x-ndjson`; anything else gets the paged JSON. */
function wantsNdjson(req: Request): boolean {
  return /\bapplication\/x-ndjson\b/i.test(req.headers.accept ?? "");
}

function owner(res: Response): string {
  return requestState(res).client?.keyId ?? "anonymous";
}

/** The batch endpoints: thin glue over `@promptreg/batches`' store (docs/batches.md). */
export function batchesRouter(options: BatchRoutesOptions): Router {
  const router = Router();
  const convert = createErrorConverter(options.errorMappers);

  function store(endpoint: string): BatchStore {
    if (!options.batches) throw new BatchesNotConfiguredError({ endpoint });
    return options.batches;
  }

  /**
   * Every distinct reference is checked before anything is queued, so a typo fails the submission at once with the
   * item that has it (the allow-list answers like a missing template, as on /v1/run).
   */
  function checkRefs(res: Response, items: readonly { ref: string }[]): void {
    const seen = new Set<string>();
    items.forEach(({ ref }, index) => {
      if (seen.has(ref)) return;
      seen.add(ref);
      try {
        authorizeRef(res, { ref, registry: options.registry });
        requireRegistry(options.registry).registry.resolve(ref);
      } catch (error) {
        const problem = convert(error);
        throw new ServerError({
          type: problem.type,
          code: problem.code,
          status: problem.status,
          message: `items[${index}].ref: ${problem.message}`,
          details: { ...problem.details, path: `items[${index}].ref` },
          cause: error,
        });
      }
    });
  }

  router.post("/v1/batches", async (req: Request, res: Response) => {
    requestState(res).route = "/v1/batches";
    const batches = store("POST /v1/batches");
    const body = parseRequest(batchSubmitRequestSchema, req.body, "POST /v1/batches");
    checkRefs(res, body.items);
    recordDimensions(res, { requested: body.dimensions, names: options.dimensionNames ?? [] });
    const status = await batches.submit({
      owner: owner(res),
      items: body.items,
      priority: body.priority,
      callbackUrl: body.callbackUrl,
      dimensions: body.dimensions,
    });
    res.status(202).location(`/v1/batches/${status.id}`).json(status);
  });

  router.get("/v1/batches/:id", async (req: Request, res: Response) => {
    requestState(res).route = "/v1/batches/:id";
    res.json(await store("GET /v1/batches/{id}").status(owner(res), String(req.params.id)));
  });

  router.delete("/v1/batches/:id", async (req: Request, res: Response) => {
    requestState(res).route = "/v1/batches/:id";
    res.json(await store("DELETE /v1/batches/{id}").cancel(owner(res), String(req.params.id)));
  });

  router.get("/v1/batches/:id/results", async (req: Request, res: Response) => {
    requestState(res).route = "/v1/batches/:id/results";
    const batches = store("GET /v1/batches/{id}/results");
    const id = String(req.params.id);
    if (!wantsNdjson(req)) {
      const query = parseRequest(batchResultsQuerySchema, req.query, "GET /v1/batches/{id}/results");
      res.json(await batches.results(owner(res), id, query));
      return;
    }
    // Ownership is checked before the first byte, so a foreign id still gets a plain 404.
    const items = await batches.allResults(owner(res), id);
    res.status(200).type("application/x-ndjson");
    const abort = requestState(res).abort.signal;
    for await (const item of items) {
      if (abort.aborted) break;
      // Respect backpressure: a slow reader holds the stream, not the service's memory.
      if (!res.write(`${JSON.stringify(item)}\n`)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off("drain", done);
            res.off("close", done);
            resolve();
          };
          res.on("drain", done);
          res.on("close", done);
        });
      }
    }
    res.end();
  });

  return router;
}
