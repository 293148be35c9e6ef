import { hasBrand } from "@promptreg/core";
import { ServerError } from "./server-error.js";

const marker = Symbol.for("promptreg.server.RouteNotFoundError");

/** No route matches the method and path. */
export class RouteNotFoundError extends ServerError {
  readonly [marker] = true;

  constructor({ method, path }: { method: string; path: string }) {
    super({
      type: "not_found",
      code: "route_not_found",
      message: `No endpoint ${method} ${path}. See GET /openapi.json for the list of endpoints.`,
      details: { method, path },
    });
    this.name = "RouteNotFoundError";
  }

  static override isInstance(value: unknown): value is RouteNotFoundError {
    return hasBrand(value, marker);
  }
}
