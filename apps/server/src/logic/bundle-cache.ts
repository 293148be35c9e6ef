import {
  bundleContentHash,
  createBundle,
  findPartialReferences,
  partialClosure,
  type Registry,
  type RegistryBundle,
} from "@promptreg/registry";
import type { AuthenticatedClient } from "./credentials.js";

/** The bundle as sent: its exact body and the strong ETag naming its content. */
export interface ServedBundle {
  /** `"<hex>"` of `bundleContentHash`, quoted as HTTP wants. */
  etag: string;
  body: string;
  versionCount: number;
}

/**
 * Bodies kept per content hash. One per distinct allow-list (plus one for unrestricted clients) is enough; beyond
 * it the oldest is dropped and rebuilt on its next request. Each body is the size of the bundle (about 2.4 KiB per
 * version), so this budget is what bounds the memory `GET /v1/bundle` holds.
 */
export const BUNDLE_CACHE_CAPACITY = 8;

/** What a client may see of a bundle: its templates, their labels, and only the partials they use. */
export function visibleBundle(
  bundle: RegistryBundle,
  client: AuthenticatedClient | undefined,
): RegistryBundle {
  if (!client?.allowedTemplates) return bundle;
  const templates = bundle.templates.filter((template) => client.allowsTemplate(template.id));
  const graph = new Map(
    Object.entries(bundle.partials).map(([name, source]) => [name, findPartialReferences(source)]),
  );
  const used = new Set<string>();
  for (const template of templates) {
    for (const message of template.messages)
      for (const name of findPartialReferences(message.content)) used.add(name);
  }
  const partials = Object.fromEntries(
    partialClosure(used, graph).map((name) => [name, bundle.partials[name]!]),
  );
  const labels = Object.fromEntries(
    Object.entries(bundle.labels).filter(([id]) => client.allowsTemplate(id)),
  );
  return { ...bundle, templates, labels, partials };
}

/**
 * Serves `GET /v1/bundle` without rebuilding it per request: the serialised body is cached per registry and
 * allow-list, and across reloads by content hash, so an unchanged registry keeps byte-identical bodies (its
 * `createdAt` included) and a strong ETag stays truthful.
 */
export function createBundleCache({
  capacity = BUNDLE_CACHE_CAPACITY,
  now = () => new Date(),
}: {
  capacity?: number;
  now?: () => Date;
} = {}) {
  const perRegistry = new WeakMap<Registry, Map<string, ServedBundle>>();
  const byHash = new Map<string, ServedBundle>();
  return {
    bundleFor(registry: Registry, client: AuthenticatedClient | undefined): ServedBundle {
      const viewKey = client?.allowedTemplates ? JSON.stringify(client.allowedTemplates) : "*";
      let views = perRegistry.get(registry);
      if (!views) {
        views = new Map();
        perRegistry.set(registry, views);
      }
      const known = views.get(viewKey);
      if (known) return known;
      const bundle = visibleBundle(createBundle(registry, { now: now() }), client);
      const hash = bundleContentHash(bundle);
      let served = byHash.get(hash);
      if (served) byHash.delete(hash);
      else {
        served = {
          etag: `"${hash.slice("sha256:".length)}"`,
          body: JSON.stringify(bundle),
          versionCount: bundle.templates.length,
        };
      }
      byHash.set(hash, served);
      if (byHash.size > capacity) byHash.delete(byHash.keys().next().value!);
      if (views.size >= capacity) views.delete(views.keys().next().value!);
      views.set(viewKey, served);
      return served;
    },
  };
}

export type BundleCache = ReturnType<typeof createBundleCache>;
