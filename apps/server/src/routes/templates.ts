import { type Request, type Response, Router } from "express";
import { ServerError } from "../errors/server-error.js";
import { parseRequest } from "../http/parse-request.js";
import { requestState } from "../http/request-state.js";
import { listTemplatesQuerySchema } from "../http/schemas.js";
import { canUseTemplate } from "../logic/credentials.js";
import type { RegistryHolder } from "../logic/registry-holder.js";
import { splitTemplatePath, summaryView, versionView } from "../logic/template-views.js";
import { templateIdNotFound, visibleTemplateIds } from "../logic/template-visibility.js";
import { requireRegistry } from "./require-registry.js";

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
    // A restricted client's view of the registry is its allow-list: ids outside it are not there at all, even for
    // splitting the path into id and version, so nothing in the answer depends on whether they exist.
    const visibleIds = visibleTemplateIds(current.ids(), state.client);
    const visible = new Set(visibleIds);
    const { id, version } = splitTemplatePath(segments, (candidate) => visible.has(candidate));
    state.route = version === undefined ? "/v1/templates/{id}" : "/v1/templates/{id}/versions/{version}";
    state.templateRef = version === undefined ? id : `${id}@${version}`;
    if (!visible.has(id)) throw templateIdNotFound({ templateId: id, visibleIds });
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
    if (!summary) throw templateIdNotFound({ templateId: id, visibleIds });
    const currentVersion = summary.latest ?? summary.versions.at(-1);
    const definition = currentVersion === undefined ? undefined : current.get(id, currentVersion);
    res.json({ ...summaryView(summary), current: definition ? versionView(definition) : null });
  });

  return router;
}
