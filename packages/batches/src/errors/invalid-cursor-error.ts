import { BatchError } from "./batch-error.js";

const marker = Symbol.for("promptreg.batches.invalid-cursor-error");

/** A results cursor that is not one this service handed out (`nextCursor` of the previous page). */
export class InvalidCursorError extends BatchError {
  readonly [marker] = true;
  readonly cursor: string;

  constructor({ cursor, total }: { cursor: string; total: number }) {
    super({
      code: "invalid_cursor",
      message: `Results cursor '${cursor.slice(0, 40)}' is not valid for this batch of ${total} items; pass the nextCursor of the previous page, or no cursor to start at the first item.`,
    });
    this.name = "InvalidCursorError";
    this.cursor = cursor;
  }

  static override isInstance(value: unknown): value is InvalidCursorError {
    return typeof value === "object" && value !== null && marker in value;
  }
}
