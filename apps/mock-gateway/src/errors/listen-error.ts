import { MockGatewayError } from "./mock-gateway-error.js";

/** The mock could not bind its host and port (in use, not permitted, unknown host). */
export class ListenError extends MockGatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.mock-gateway.ListenError");
  readonly host: string;
  readonly port: number;
  /** The system error code, e.g. "EADDRINUSE". */
  readonly systemCode: string | undefined;

  constructor(options: { host: string; port: number; cause: unknown }) {
    const systemCode = (options.cause as NodeJS.ErrnoException | undefined)?.code;
    const hint =
      systemCode === "EADDRINUSE"
        ? "the port is in use: pick another port (0 picks a free one) or stop the process holding it"
        : systemCode === "EACCES"
          ? "permission denied: use a port above 1023"
          : `${(options.cause as Error)?.message ?? String(options.cause)}: check the host and port`;
    super({
      code: "listen_failed",
      message: `Mock gateway cannot listen on ${options.host}:${options.port}: ${hint}.`,
      cause: options.cause,
    });
    this.name = "ListenError";
    this.host = options.host;
    this.port = options.port;
    this.systemCode = systemCode;
  }
}
