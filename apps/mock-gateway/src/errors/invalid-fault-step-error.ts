import { MockGatewayError } from "./mock-gateway-error.js";

/**
 * A fault step does not follow the grammar `kind` or `kind:param=value;param=value`. Served as a 400 when
 * it came from a request, thrown at start when it came from options or a scenario file.
 */
export class InvalidFaultStepError extends MockGatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.mock-gateway.InvalidFaultStepError");
  /** The offending step exactly as written, e.g. "stall:afterr=3". */
  readonly step: string;
  /** 1-based position of the step in its list. */
  readonly position: number;
  /**
   * Where the list came from, e.g. "x-mock-faults header", "model name", "scenario rules[0].faults". (Named
   * `source`: `origin` is the shared error field saying whose fault an error is.)
   */
  readonly source: string;
  readonly reason: string;

  constructor(options: { step: string; position: number; source: string; reason: string }) {
    super({
      code: "invalid_fault_step",
      message:
        `Invalid fault step ${options.position} "${options.step}" in the ${options.source}: ${options.reason}. ` +
        "Steps look like `kind` or `kind:param=value;param=value` (e.g. `429:s=2`, `stall:after=3`); " +
        "see docs/mock-gateway.md for every kind and its parameters.",
    });
    this.name = "InvalidFaultStepError";
    this.step = options.step;
    this.position = options.position;
    this.source = options.source;
    this.reason = options.reason;
  }
}
