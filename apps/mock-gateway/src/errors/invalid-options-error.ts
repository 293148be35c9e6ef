import { hasBrand } from "@promptreg/core";
import { MockGatewayError } from "./mock-gateway-error.js";

const marker = Symbol.for("promptreg.mock-gateway.InvalidOptionsError");

/** `createMockGateway` / `createMockGatewayHandler` received options that fail validation. */
export class InvalidOptionsError extends MockGatewayError {
  readonly [marker] = true;
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

  static override isInstance(value: unknown): value is InvalidOptionsError {
    return hasBrand(value, marker);
  }
}
