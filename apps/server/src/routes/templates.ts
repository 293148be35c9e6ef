import { type Request, type Response, Router } from "express";
import { ServerError } from "../errors/server-error.js";
import { TemplateAccessDeniedError } from "../errors/template-access-denied-error.js";
import { parseRequest } from "../http/parse-request.js";
import { requestState } from "../http/request-state.js";
import { listTemplatesQuerySchema } from "../http/schemas.js";
import { canUseTemplate } from "../logic/credentials.js";
import type { RegistryHolder } from "../logic/registry-holder.js";
import { splitTemplatePath, summaryView, versionView } from "../logic/template-views.js";
import { requireRegistry } from "./require-registry.js";

function templateNotFound(id: string, suggestions: string[] = []) {
  return new ServerError({
    type: "not_found",
    code: "template_not_found",
    message: `No template with id "${id}".${suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?` : " GET /v1/templates lists the ids."}`,
    details: { kind: "id", templateId: id, suggestions },
  });
}

export function templatesRouter({ registry }: { registry: RegistryHolder }): Router {
  const router = Router();

  router.get("/v1/templates", (req: Request, res: Response) => {
    const state = requestState(res);
    state.route = "/v1/templates";
    const query = parseRequest(listTemplatesQuerySchema, req.query, "GET /v1/templates");
    const { registry: current } = requireRegistry(registry);
    const all = current
      .list({ tag: query.tag, owner: query.owner, status: query.status, idPrefix: query.prefix })
      .filter((summary) => !state.client || canUseTemplate(state.client, summary.id))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // The cursor is the last id of the previous page: stable across registry reloads, unlike an offset.
    const start = query.cursor ? all.findIndex((summary) => summary.id > (query.cursor as string)) : 0;
    const page = start === -1 ? [] : all.slice(start, start + query.limit);
    const last = page.at(-1);
    const more = start !== -1 && start + query.limit < all.length;
    res.json({ data: page.map(summaryView), nextCursor: more && last ? last.id : null });
  });

  router.get("/v1/templates/*path", (req: Request, res: Response) => {
    const state = requestState(res);
    const segments = (req.params as { path: string[] }).path;
    const { registry: current } = requireRegistry(registry);
    const known = new Set(current.ids());
    const { id, version } = splitTemplatePath(segments, (candidate) => known.has(candidate));
    state.route = version === undefined ? "/v1/templates/{id}" : "/v1/templates/{id}/versions/{version}";
    state.templateRef = version === undefined ? id : `${id}@${version}`;
    if (state.client && !canUseTemplate(state.client, id)) {
      throw new TemplateAccessDeniedError({
        templateId: id,
        allowedPrefixes: state.client.allowedTemplates ?? [],
      });
    }
    if (!known.has(id)) {
      const suggestions = [...known]
        .filter((candidate) => candidate.includes(id) || id.includes(candidate))
        .slice(0, 3);
      throw templateNotFound(id, suggestions);
    }
    if (version !== undefined) {
      const found = current.get(id, version);
      if (!found) {
        throw new ServerError({
          type: "not_found",
          code: "template_not_found",
          message: `Template "${id}" has no version "${version}". Available versions: ${current.versions(id).join(", ")}.`,
          details: { kind: "version", templateId: id, version, suggestions: current.versions(id) },
        });
      }
      state.template = { id, version: found.version };
      res.json(versionView(found));
      return;
    }
    const summary = current.list({ idPrefix: id }).find((candidate) => candidate.id === id);
    if (!summary) throw templateNotFound(id);
    const currentVersion = summary.latest ?? summary.versions.at(-1);
    const definition = currentVersion === undefined ? undefined : current.get(id, currentVersion);
    res.json({ ...summaryView(summary), current: definition ? versionView(definition) : null });
  });

  return router;
}
