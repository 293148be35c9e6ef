import { MockGatewayError } from "./mock-gateway-error.js";

/** The mock gateway command line has an unknown flag or a value of the wrong shape. */
export class InvalidCliArgumentError extends MockGatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.mock-gateway.InvalidCliArgumentError");
  /** The flag at fault, e.g. "--port". */
  readonly argument: string;

  constructor(options: { argument: string; problem: string }) {
    super({
      code: "invalid_cli_argument",
      message:
        `mock-gateway: ${options.argument} ${options.problem}. ` +
        "Usage: mock-gateway [--port N] [--host 127.0.0.1] [--scenario file.yaml|json] [--fault-rate 0..1] [--seed N] [--fault-kinds 500,reset]",
    });
    this.name = "InvalidCliArgumentError";
    this.argument = options.argument;
  }
}
