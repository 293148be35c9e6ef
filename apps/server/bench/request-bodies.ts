// The request bodies every server benchmark sends, in one place so their figures measure the same requests.

/** `POST /v1/render`: a two-field input rendered into a support summary (680-byte answer). */
export const RENDER_BODY = JSON.stringify({
  ref: "support/summarize@production",
  input: { ticket: "My invoice shows the wrong VAT rate since March; please correct it.", tier: "pro" },
});

/** `POST /v1/run`: one short gateway call. */
export const RUN_BODY = JSON.stringify({ ref: "support/greet", input: { name: "Ada" } });

/** `POST /v1/run` streamed. */
export const STREAM_BODY = JSON.stringify({ ref: "support/greet", input: { name: "Ada" }, stream: true });
