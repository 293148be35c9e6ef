import { closestMatches } from "@promptreg/core";
import { ServerError } from "../errors/server-error.js";
import type { AuthenticatedClient } from "./credentials.js";

/** The template ids a client may see: all of them, or those its allow-list names. */
export function visibleTemplateIds(
  ids: readonly string[],
  client: AuthenticatedClient | undefined,
): readonly string[] {
  return client?.allowedTemplates ? ids.filter((id) => client.allowsTemplate(id)) : ids;
}

/**
 * The 404 for an id the client cannot see. It is built from the requested id and the client's visible ids only,
 * so a template that exists outside the client's allow-list is answered exactly like one that does not exist, and
 * "did you mean" never names a template the client may not use.
 */
export function templateIdNotFound({
  templateId,
  visibleIds,
}: {
  templateId: string;
  visibleIds: readonly string[];
}): ServerError {
  const suggestions = closestMatches(templateId, visibleIds);
  return new ServerError({
    type: "not_found",
    code: "template_not_found",
    message: `No template with id ${JSON.stringify(templateId)}.${suggestions.length ? ` Did you mean ${suggestions.map((s) => JSON.stringify(s)).join(", ")}?` : " GET /v1/templates lists the ids."}`,
    details: { kind: "id", templateId, suggestions },
  });
}
