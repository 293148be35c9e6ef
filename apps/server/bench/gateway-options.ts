import type { GatewayClientOptions } from "@promptreg/gateway";

/**
 * The gateway client settings of the benchmark, shared by the service's client (serve.ts) and the direct-call
 * baseline (server.bench.ts), so the /v1/run ratio compares the same client with and without the service around it.
 * Retry budget, breaker and bulkhead are off: with an upstream that never fails they only add bookkeeping, and
 * the gateway-client benchmark measures that bookkeeping on its own.
 */
export function benchGatewayOptions(baseUrl: string): GatewayClientOptions {
  return {
    baseUrl,
    apiKey: "bench-key",
    retryBudget: false,
    circuitBreaker: false,
    concurrency: false,
  };
}
