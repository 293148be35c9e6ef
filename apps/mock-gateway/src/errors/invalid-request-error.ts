import { MockGatewayError } from "./mock-gateway-error.js";

/** A request to the mock is malformed; converted to an OpenAI-style error response at the HTTP boundary. */
export class InvalidRequestError extends MockGatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.mock-gateway.InvalidRequestError");
  /** HTTP status to answer with (400, 401, 404, 405, 413). */
  readonly status: number;
  /** The request field or header at fault, e.g. "messages", "Authorization"; null when it is the whole body. */
  readonly param: string | null;
  /** OpenAI-style error type, e.g. "invalid_request_error". */
  readonly errorType: string;

  constructor(options: { status: number; param: string | null; message: string; errorType?: string }) {
    super({ code: "invalid_request", message: options.message });
    this.name = "InvalidRequestError";
    this.status = options.status;
    this.param = options.param;
    this.errorType = options.errorType ?? "invalid_request_error";
  }
}
