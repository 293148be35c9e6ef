import { isObject, str } from "./upstream-response.js";

export interface ToolCallDraft {
  id: string | undefined;
  type: string;
  name: string;
  arguments: string;
}

/** Streamed tool calls arrive as fragments keyed by `index`: the id and name once, the arguments in pieces. */
export function mergeToolCallDeltas(drafts: ToolCallDraft[], fragments: unknown[]): void {
  for (const [position, fragment] of fragments.entries()) {
    if (!isObject(fragment)) continue;
    const index =
      typeof fragment.index === "number" && fragment.index >= 0 && fragment.index < 128
        ? fragment.index
        : position;
    let draft = drafts[index];
    if (!draft) {
      draft = { id: undefined, type: "function", name: "", arguments: "" };
      drafts[index] = draft;
    }
    draft.id = str(fragment.id) ?? draft.id;
    draft.type = str(fragment.type) ?? draft.type;
    const fn = fragment.function;
    if (isObject(fn)) {
      draft.name += str(fn.name) ?? "";
      draft.arguments += str(fn.arguments) ?? "";
    }
  }
}

export function finishToolCall(draft: ToolCallDraft): Record<string, unknown> {
  return { id: draft.id, type: draft.type, function: { name: draft.name, arguments: draft.arguments } };
}
