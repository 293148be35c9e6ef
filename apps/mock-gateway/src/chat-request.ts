import type { IncomingMessage } from "node:http";
import { InvalidRequestError } from "./errors/invalid-request-error.js";

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface ChatMessage {
  role: string;
  content?: unknown;
}

/** The parts of a chat completion request the mock acts on. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  /** The JSON Schema to satisfy, `{}` for `json_object`, undefined for plain text. */
  jsonSchema: Record<string, unknown> | undefined;
}

function bad(param: string | null, message: string): InvalidRequestError {
  return new InvalidRequestError({ status: 400, param, message });
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        reject(
          new InvalidRequestError({
            status: 413,
            param: null,
            message: `Request body is larger than ${MAX_BODY_BYTES} bytes; send a smaller request.`,
          }),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function responseSchema(format: unknown): Record<string, unknown> | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isObject(format))
    throw bad("response_format", 'response_format must be an object like {"type": "text"}.');
  switch (format.type) {
    case "text":
      return undefined;
    case "json_object":
      return { type: "object", properties: { echo: { type: "string" } }, required: ["echo"] };
    case "json_schema": {
      const spec = format.json_schema;
      const schema = isObject(spec) ? spec.schema : undefined;
      if (!isObject(schema)) {
        throw bad(
          "response_format.json_schema.schema",
          'response_format.json_schema.schema must be a JSON Schema object, e.g. {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}.',
        );
      }
      return schema;
    }
    default:
      throw bad(
        "response_format.type",
        `response_format.type ${JSON.stringify(format.type)} is not supported; use "text", "json_object" or "json_schema".`,
      );
  }
}

/** Parses and checks a chat completion body; throws InvalidRequestError (a 400) naming the bad field. */
export function parseChatRequest(body: Buffer): ChatRequest {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw bad(
      null,
      `Request body is not valid JSON (${(error as Error).message}). Send a JSON object with "model" and "messages".`,
    );
  }
  if (!isObject(value)) throw bad(null, 'Request body must be a JSON object with "model" and "messages".');
  const { model, messages, stream } = value;
  if (typeof model !== "string" || model.trim() === "") {
    throw bad("model", 'Missing required parameter "model": give a model name such as "openai/gpt-4o-mini".');
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    throw bad(
      "messages",
      'Missing required parameter "messages": give a non-empty array like [{"role": "user", "content": "Hi"}].',
    );
  }
  for (const [index, message] of messages.entries()) {
    if (!isObject(message) || typeof message.role !== "string") {
      throw bad(`messages[${index}].role`, `messages[${index}] must be an object with a string "role".`);
    }
  }
  if (stream !== undefined && stream !== null && typeof stream !== "boolean") {
    throw bad("stream", '"stream" must be true or false.');
  }
  return {
    model,
    messages: messages as ChatMessage[],
    stream: stream === true,
    jsonSchema: responseSchema(value.response_format),
  };
}
