import {
  type ClientOptions,
  createClient,
  createSigningFetch,
  type PromptregClient,
} from "@promptreg/client";
import type { Registry } from "@promptreg/registry";
import { createRenderer, type Renderer, type RenderResult } from "@promptreg/renderer";
import { type LoadedBundle, readBundleFile, verifyBundleText } from "./bundle-source.js";
import { EmbeddedError } from "./errors/embedded-error.js";

export const EMBEDDED_DEFAULTS = Object.freeze({
  /** A render this long after the last check of the service starts one background refresh. */
  refreshIntervalMs: 60_000,
  /** Longest one `GET /v1/bundle` may take, headers and body. */
  fetchTimeoutMs: 30_000,
});

export interface EmbeddedClientOptions extends Pick<ClientOptions, "baseUrl" | "keyId" | "secret" | "fetch"> {
  /** A bundle shipped with the app (`promptreg build` output), used when the service is unreachable at start. */
  bundleFile?: string;
  refreshIntervalMs?: number;
  fetchTimeoutMs?: number;
  /** The clock deciding when a bundle is stale (tests pass a fake one). Default `Date.now`. */
  now?: () => number;
  /** Called after every refresh, successful or not (log failures here: rendering goes on with the last bundle). */
  onRefresh?: (outcome: RefreshOutcome) => void;
  /** Options of the plain client used for `service` (runs, streams), besides the credentials. */
  service?: Omit<ClientOptions, "baseUrl" | "keyId" | "secret" | "fetch">;
}

export type RefreshOutcome =
  | { status: "updated"; etag: string; versionCount: number }
  | { status: "not_modified"; etag: string }
  | { status: "failed"; error: EmbeddedError };

export interface EmbeddedState {
  /** Where the bundle in use came from. */
  source: "service" | "file";
  etag: string;
  versionCount: number;
  /** When the bundle in use was loaded, and when the service was last asked (clock of `now`). */
  loadedAt: number;
  checkedAt: number;
  /** The last refresh's error, cleared by the next successful one. */
  lastError?: EmbeddedError;
}

export interface EmbeddedClient {
  /**
   * Loads the first bundle: from the service, or, if that fails, from `bundleFile`. Throws `EmbeddedError`
   * `start_failed` when neither works.
   */
  start(): Promise<EmbeddedState>;
  /**
   * Renders locally with the same renderer as the service. Never waits for the network: a stale bundle starts a
   * background refresh and this render uses the bundle in hand. Throws the renderer's errors
   * (`InputValidationError`, `TemplateNotFoundError`, ...), or `EmbeddedError` `not_ready` before `start()`.
   */
  render(ref: string, input: unknown): RenderResult;
  /** Revalidates with the service now (ETag); at most one refresh is in flight, later calls share it. */
  refresh(): Promise<RefreshOutcome>;
  /** The registry in use (list, resolve), or undefined before `start()`. */
  registry(): Registry | undefined;
  state(): EmbeddedState | undefined;
  /** The plain client for everything that must go through the service: `run`, `stream` (the gateway key stays there). */
  readonly service: PromptregClient;
}

interface Current extends EmbeddedState {
  registry: Registry;
  renderer: Renderer;
}

const BUNDLE_SOURCE = "GET /v1/bundle";

/** Embedded mode: render in-process from a verified bundle, refreshed with stale-while-revalidate. */
export function createEmbeddedClient(options: EmbeddedClientOptions): EmbeddedClient {
  const {
    bundleFile,
    refreshIntervalMs = EMBEDDED_DEFAULTS.refreshIntervalMs,
    fetchTimeoutMs = EMBEDDED_DEFAULTS.fetchTimeoutMs,
    now = Date.now,
    onRefresh,
  } = options;
  // createClient checks the URL and credentials and reports bad ones with its typed option errors.
  const service = createClient({
    ...options.service,
    baseUrl: options.baseUrl,
    keyId: options.keyId,
    secret: options.secret,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const signedFetch = createSigningFetch({
    keyId: options.keyId,
    secret: options.secret,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const bundleUrl = `${options.baseUrl.replace(/\/+$/, "")}/v1/bundle`;
  let current: Current | undefined;
  let inFlight: Promise<RefreshOutcome> | undefined;

  const install = (loaded: LoadedBundle, source: Current["source"]) => {
    const at = now();
    current = {
      ...loaded,
      source,
      loadedAt: at,
      checkedAt: at,
      renderer: createRenderer({ registry: loaded.registry }),
    };
  };

  async function fetchBundle(): Promise<LoadedBundle | "not_modified"> {
    let response: Response;
    try {
      response = await signedFetch(bundleUrl, {
        headers: current ? { "if-none-match": current.etag } : {},
        signal: AbortSignal.timeout(fetchTimeoutMs),
      });
    } catch (cause) {
      throw new EmbeddedError({
        code: "bundle_fetch_failed",
        source: BUNDLE_SOURCE,
        message: `the service is unreachable (${(cause as Error).message}); rendering goes on with the last bundle`,
        cause,
      });
    }
    if (response.status === 304 && current) {
      await response.body?.cancel();
      return "not_modified";
    }
    if (response.status !== 200) {
      const text = await response.text().catch(() => "");
      const code = /"code"\s*:\s*"([a-z_]+)"/.exec(text)?.[1];
      throw new EmbeddedError({
        code: "bundle_fetch_failed",
        source: BUNDLE_SOURCE,
        status: response.status,
        message: `the service answered ${response.status}${code ? ` (${code})` : ""}; check the credentials and that the service serves /v1/bundle`,
      });
    }
    return verifyBundleText(await response.text(), BUNDLE_SOURCE);
  }

  async function refreshOnce(): Promise<RefreshOutcome> {
    let outcome: RefreshOutcome;
    try {
      const fetched = await fetchBundle();
      if (fetched === "not_modified") {
        current!.checkedAt = now();
        delete current!.lastError;
        outcome = { status: "not_modified", etag: current!.etag };
      } else {
        install(fetched, "service");
        outcome = { status: "updated", etag: fetched.etag, versionCount: fetched.versionCount };
      }
    } catch (error) {
      if (!EmbeddedError.isInstance(error)) throw error;
      if (current) {
        // Checked, even though it failed: the next attempt waits a full interval instead of every render retrying.
        current.checkedAt = now();
        current.lastError = error;
      }
      outcome = { status: "failed", error };
    }
    onRefresh?.(outcome);
    return outcome;
  }

  const refresh = (): Promise<RefreshOutcome> => {
    inFlight ??= refreshOnce().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const state = (): EmbeddedState | undefined => {
    if (!current) return undefined;
    const { registry: _registry, renderer: _renderer, ...rest } = current;
    return rest;
  };

  return {
    service,
    async start() {
      const outcome = await refresh();
      if (outcome.status !== "failed") return state()!;
      if (!bundleFile) {
        throw new EmbeddedError({
          code: "start_failed",
          source: BUNDLE_SOURCE,
          message: `no bundle: ${outcome.error.message}. Pass bundleFile (a bundle shipped with the app) to start while the service is down`,
          cause: outcome.error,
        });
      }
      try {
        install(await readBundleFile(bundleFile), "file");
      } catch (cause) {
        throw new EmbeddedError({
          code: "start_failed",
          source: bundleFile,
          message: `no bundle: the service failed (${outcome.error.message}) and so did the bundle file (${(cause as Error).message})`,
          cause,
        });
      }
      current!.lastError = outcome.error;
      return state()!;
    },
    render(ref, input) {
      if (!current) {
        throw new EmbeddedError({
          code: "not_ready",
          source: "render",
          message: "no bundle loaded yet; await start() before rendering",
        });
      }
      if (now() - current.checkedAt >= refreshIntervalMs) void refresh();
      return current.renderer.render(ref, input);
    },
    refresh,
    registry: () => current?.registry,
    state,
  };
}
