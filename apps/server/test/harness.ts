import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createGatewayClient, createPrometheusTelemetry } from "@promptreg/gateway";
import { loadRegistryFromDir } from "@promptreg/registry";
import { createRenderer } from "@promptreg/renderer";
import { createMemoryNonceStore, parseClientKeys, signRequest } from "@promptreg/signing";
import type { Registry } from "prom-client";
import { type AppConfig, type AppDeps, createApp } from "../src/app.js";
import { createLogger } from "../src/http/logger.js";
import { createServerMetrics, type ServerMetrics } from "../src/http/metrics.js";
import { createSignatureVerifier } from "../src/logic/authenticate.js";
import { type CredentialSet, createCredentialSet } from "../src/logic/credentials.js";
import { createRegistryHolder, type RegistryHolder } from "../src/logic/registry-holder.js";

/** Every log line written by every app built by this harness in this test file; the secret-scan test reads it. */
export const capturedLogLines: string[] = [];

/** Every full signature the harness sent; none may show up in a log line. */
export const sentSignatures: string[] = [];

export const SECRETS = {
  main: "main-secret-0123456789abcdef-XYZ",
  rotatedOld: "old-rotated-secret-abcdef012345",
  rotatedNew: "new-rotated-secret-9876543210zz",
  support: "support-only-secret-0123456789ab",
  slow: "slow-client-secret-0123456789abcd",
  web: "web-client-secret-0123456789abcdef",
};

export const CLIENT_KEYS_YAML = `clients:
  - keyId: app-main
    secrets: ["${SECRETS.main}"]
  - keyId: app-rotating
    secrets: ["${SECRETS.rotatedNew}", "${SECRETS.rotatedOld}"]
  - keyId: app-support
    secrets: ["${SECRETS.support}"]
    allowedTemplates: ["support/"]
  - keyId: app-slow
    secrets: ["${SECRETS.slow}"]
    rateLimit: { requestsPerMinute: 3 }
  - keyId: app-web
    secrets: ["${SECRETS.web}"]
    dimensions:
      feature: [search, checkout]
      customer_tier: [free, pro]
`;

/** The app configuration of every test server; a test overrides single fields with `config: { ...TEST_APP_CONFIG }`. */
export const TEST_APP_CONFIG: AppConfig = {
  bodyLimitBytes: 4096,
  requestTimeoutMs: 10_000,
  rateLimitPerMinute: 1000,
  outputRepairAttempts: 1,
  statsCapacity: 1000,
};

export const emptyRegistry: RegistryHolder = {
  current: () => undefined,
  reload: async () => ({ ok: false, error: new Error("no registry in this test") }),
};

export interface TestServer {
  url: string;
  metrics: ServerMetrics;
  credentials: CredentialSet;
  close(): Promise<void>;
  /** fetch with a fresh signature (override parts to build attacks). */
  signed(
    path: string,
    options?: {
      method?: string;
      body?: unknown;
      /** Exact body text to sign and send (instead of JSON-encoding `body`). */
      rawBody?: string;
      keyId?: string;
      secret?: string;
      /** Body actually sent (after signing `body`). */
      sendBody?: string;
      /** Path actually requested (after signing `path`). */
      sendPath?: string;
      timestamp?: number;
      nonce?: string;
      headers?: Record<string, string>;
      signal?: AbortSignal;
    },
  ): Promise<Response>;
}

/** A logger whose every line lands in `capturedLogLines`, so the file's secret scan sees it. */
export function capturingLogger(level = "debug") {
  return createLogger({
    level,
    destination: new Writable({
      write(chunk, _encoding, callback) {
        capturedLogLines.push(String(chunk));
        callback();
      },
    }),
  });
}

export async function startTestServer(overrides: Partial<AppDeps> = {}): Promise<TestServer> {
  const metrics = overrides.metrics ?? createServerMetrics({ defaultMetrics: false });
  const credentials = createCredentialSet({
    keys: parseClientKeys(CLIENT_KEYS_YAML, { source: "test" }),
    defaultRequestsPerMinute: 1000,
  });
  const logger = capturingLogger();
  const app = createApp({
    config: TEST_APP_CONFIG,
    registry: emptyRegistry,
    credentials,
    verifier: createSignatureVerifier({ credentials, nonceStore: createMemoryNonceStore() }),
    logger,
    metrics,
    ...overrides,
  });
  const server: Server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    metrics,
    credentials,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    signed: (path, options = {}) => {
      const hasBody = options.body !== undefined || options.rawBody !== undefined;
      const method = options.method ?? (hasBody ? "POST" : "GET");
      const body = options.rawBody ?? (options.body === undefined ? "" : JSON.stringify(options.body));
      const headers = signRequest({
        keyId: options.keyId ?? "app-main",
        secret: options.secret ?? SECRETS.main,
        method,
        pathAndQuery: path,
        body,
        timestamp: options.timestamp,
        nonce: options.nonce,
      });
      sentSignatures.push(headers["X-Promptreg-Signature"].slice(3));
      const sent = options.sendBody ?? body;
      return fetch(url + (options.sendPath ?? path), {
        method,
        headers: { ...headers, ...(sent ? { "content-type": "application/json" } : {}), ...options.headers },
        body: sent === "" ? undefined : sent,
        signal: options.signal,
      });
    },
  };
}

export const FIXTURE_TEMPLATES = new URL("./__fixtures__/templates/", import.meta.url).pathname;

/** A real gateway client against the real mock gateway, with small retry delays so fault tests stay quick. */
export function testGateway({
  baseUrl,
  headers = {},
  register,
  fetch: fetchImpl,
  maxAttempts = 2,
}: {
  baseUrl: string;
  headers?: Record<string, string>;
  register?: Registry;
  fetch?: typeof fetch;
  maxAttempts?: number;
}) {
  return createGatewayClient({
    baseUrl,
    apiKey: GATEWAY_TEST_KEY,
    headers,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    retry: { maxAttempts, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 20 },
    retryBudget: false,
    circuitBreaker: false,
    ...(register
      ? {
          events: createPrometheusTelemetry({
            registry: register,
            extraLabelNames: ["template", "template_version"],
          }),
        }
      : {}),
  });
}

export const GATEWAY_TEST_KEY = "sk-gateway-test-key-0123456789-SECRET";

export async function fixtureRegistry(dir = FIXTURE_TEMPLATES) {
  const holder = createRegistryHolder({
    load: () => loadRegistryFromDir(dir),
    createRenderer: (registry) => createRenderer({ registry }),
  });
  const outcome = await holder.reload();
  if (!outcome.ok) throw outcome.error;
  return holder;
}
