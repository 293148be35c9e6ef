import { CATALOG_PAGE_PATH, catalogPage } from "./catalog-page.js";
import type { SiteData } from "./site-data.js";
import { templatePage, templatePagePath } from "./template-page.js";

/** A page generated at build time: its path under the docs root (without `.md`) and its markdown. */
export interface GeneratedPage {
  path: string;
  content: string;
}

/** Every page generated from the registry: the catalog index and one page per template. */
export function registryPages(site: SiteData): GeneratedPage[] {
  return [
    { path: CATALOG_PAGE_PATH, content: catalogPage(site) },
    ...site.templates.map((template) => ({
      path: templatePagePath(template.id),
      content: templatePage(template, site),
    })),
  ];
}
