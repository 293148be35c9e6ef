import { ServerError } from "./server-error.js";

/** A body the service will not parse: not declared as UTF-8 JSON (415), or compressed. */
export class UnsupportedMediaTypeError extends ServerError {
  static override readonly brand: symbol = Symbol.for("promptreg.server.UnsupportedMediaTypeError");
  /** The offending header: "Content-Type" or "Content-Encoding". */
  readonly header: string;

  constructor({ header, value }: { header: "Content-Type" | "Content-Encoding"; value: string | undefined }) {
    const shown =
      value === undefined ? "none" : JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
    super({
      type: "unsupported_media_type",
      code: header === "Content-Type" ? "unsupported_content_type" : "unsupported_encoding",
      message:
        header === "Content-Type"
          ? `A request body must be JSON: send Content-Type: application/json (charset, if any, utf-8); got ${shown}.`
          : `Compressed bodies are not accepted: send the body uncompressed (no Content-Encoding, or identity); got ${shown}.`,
      details: { header, value: value === undefined ? null : value.slice(0, 100) },
    });
    this.name = "UnsupportedMediaTypeError";
    this.header = header;
  }
}
