import { ServerError } from "./server-error.js";

/** No route matches the method and path. */
export class RouteNotFoundError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.RouteNotFoundError");

  constructor({ method, path }: { method: string; path: string }) {
    super({
      type: "not_found",
      code: "route_not_found",
      message: `No endpoint ${method} ${path}. See GET /openapi.json for the list of endpoints.`,
      details: { method, path },
    });
    this.name = "RouteNotFoundError";
  }
}
