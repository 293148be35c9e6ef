import { GatewayError } from "./gateway-error.js";

/** `createGatewayClient`, a call's options or the request itself hold a value the client cannot use. `path` names it. */
export class InvalidConfigError extends GatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.gateway.invalid-config-error");
  readonly path: string;
  /** What is wrong with the value, e.g. "expected an integer in [1, 20], got 0". */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;

  constructor(options: { path: string; problem: string; fix: string }) {
    super({
      message: `Invalid gateway client ${options.path.startsWith("request") ? "request field" : "option"} "${options.path}": ${options.problem}. ${options.fix}`,
      code: "invalid_config",
      origin: "caller",
      retryable: false,
    });
    this.name = "InvalidConfigError";
    this.path = options.path;
    this.problem = options.problem;
    this.fix = options.fix;
  }
}
