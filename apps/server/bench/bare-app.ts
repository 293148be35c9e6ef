import express, { type Express } from "express";

/**
 * The baseline of the render target: a bare Express app with express.json() that answers every POST /v1/render with
 * a fixed JSON body (the size of a real render answer). bare-express.ts serves it in a process of its own;
 * stack-micro.ts drives it in-process.
 */
export function createBareApp(body: string): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use(express.json());
  app.post("/v1/render", (_req, res) => {
    res.type("application/json").send(body);
  });
  return app;
}
