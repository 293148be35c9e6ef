/** Splits an SSE body into frames: `{ event, data }` with `data` parsed as JSON when it is JSON. */
export function parseSse(text: string): { event: string | undefined; data: unknown }[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) => {
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      const joined = data.join("\n");
      try {
        return { event, data: JSON.parse(joined) as unknown };
      } catch {
        return { event, data: joined };
      }
    });
}

/** Reads a streaming body until `until` returns true for the text so far (then stops reading). */
export async function readUntil(response: Response, until: (text: string) => boolean): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (until(text)) break;
  }
  reader.releaseLock();
  return text;
}
