const MAX_ECHO_CHARS = 200;

interface ContentPart {
  type?: unknown;
  text?: unknown;
}

/** The text of a message's `content`: a string, or the `text` parts of an array of content parts. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content as ContentPart[]) {
    if (part && typeof part === "object" && typeof part.text === "string") text += part.text;
  }
  return text;
}

/** `Echo: <last user message>`, truncated to ~200 characters so long prompts keep replies small. */
export function echoText(messages: readonly { role?: unknown; content?: unknown }[]): string {
  let last = "";
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === "user") {
      last = contentText(message.content);
      break;
    }
  }
  const text = `Echo: ${last}`;
  return text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS - 1)}…` : text;
}

/**
 * Splits a reply into 4 to 8 stream chunks on word boundaries (characters when there are too few words);
 * joining the chunks gives the text back exactly.
 */
export function splitIntoChunks(text: string): string[] {
  if (text === "") return [""];
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const units = words.length >= 4 ? words : Array.from(text);
  const count = Math.min(8, Math.max(1, Math.min(units.length, Math.max(4, Math.ceil(units.length / 6)))));
  const chunks: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * units.length) / count);
    const end = Math.floor(((i + 1) * units.length) / count);
    chunks.push(units.slice(start, end).join(""));
  }
  return chunks;
}
