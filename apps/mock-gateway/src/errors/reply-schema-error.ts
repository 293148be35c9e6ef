import { MockGatewayError } from "./mock-gateway-error.js";

/**
 * The JSON Schema of a `response_format` asks for a reply the mock will not generate: nested deeper than
 * 32 levels or larger than its size budget. Served as a 400 on `response_format.json_schema.schema`.
 */
export class ReplySchemaError extends MockGatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.mock-gateway.ReplySchemaError");
  /** Where in the schema, as a path like `properties.items.items`; "" for the root. */
  readonly path: string;
  readonly reason: string;

  constructor(options: { path: string; reason: string }) {
    super({
      code: "invalid_reply_schema",
      message:
        `response_format.json_schema.schema at ${options.path || "<root>"}: ${options.reason}. ` +
        "The mock generates replies of at most 10,000 values, strings of at most 100,000 characters and 32 levels of nesting; " +
        "lower minItems / minLength or the nesting.",
    });
    this.name = "ReplySchemaError";
    this.path = options.path;
    this.reason = options.reason;
  }
}
