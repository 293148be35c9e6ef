import { BatchError } from "./batch-error.js";

/** A results cursor that is not one this service handed out (`nextCursor` of the previous page). */
export class InvalidCursorError extends BatchError {
  static override readonly brand: symbol = Symbol.for("promptreg.batches.invalid-cursor-error");
  readonly cursor: string;

  constructor({ cursor, total }: { cursor: string; total: number }) {
    super({
      code: "invalid_cursor",
      message: `Results cursor '${cursor.slice(0, 40)}' is not valid for this batch of ${total} items; pass the nextCursor of the previous page, or no cursor to start at the first item.`,
    });
    this.name = "InvalidCursorError";
    this.cursor = cursor;
  }
}
