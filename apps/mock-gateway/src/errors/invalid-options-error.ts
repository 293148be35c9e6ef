import { MockGatewayError } from "./mock-gateway-error.js";

/** `createMockGateway` / `createMockGatewayHandler` received options that fail validation. */
export class InvalidOptionsError extends MockGatewayError {
  static override readonly brand: symbol = Symbol.for("promptreg.mock-gateway.InvalidOptionsError");
  readonly issues: readonly { path: string; message: string }[];

  constructor(options: { issues: { path: string; message: string }[] }) {
    const list = options.issues.map((issue) => `  - ${issue.path || "<root>"}: ${issue.message}`).join("\n");
    super({
      code: "invalid_options",
      message: `Invalid mock gateway options:\n${list}\nSee the options table in docs/mock-gateway.md.`,
    });
    this.name = "InvalidOptionsError";
    this.issues = options.issues;
  }
}
