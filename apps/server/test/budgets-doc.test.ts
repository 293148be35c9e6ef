import { readFile } from "node:fs/promises";
import { maxHeaderSize } from "node:http";
import { MAX_RESULTS_PAGE } from "@promptreg/batches";
import { DEFAULT_MAX_RESPONSE_BYTES } from "@promptreg/gateway";
import { LIMITS } from "@promptreg/registry";
import { DEFAULT_MAX_NONCE_KEY_IDS, DEFAULT_NONCE_TTL_SECONDS, DIMENSION_LIMITS } from "@promptreg/signing";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { SERVICE_LIMITS } from "../src/limits.js";
import { nonceCapacityFor } from "../src/logic/authenticate.js";

const SECURITY_MD = new URL("../../../docs/security.md", import.meta.url);

/** `id` -> the number in the "value" column of docs/security.md "Budgets and limits". */
async function documentedBudgets(): Promise<Map<string, number>> {
  const text = await readFile(SECURITY_MD, "utf8");
  const section = text.slice(text.indexOf("## Budgets and limits"));
  const rows = new Map<string, number>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const id = /^`([a-z_.]+)`$/.exec(cells[1] ?? "")?.[1];
    const value = /^[0-9][0-9,]*/.exec(cells[3] ?? "")?.[0];
    if (id !== undefined && value !== undefined) rows.set(id, Number(value.replaceAll(",", "")));
  }
  return rows;
}

describe("docs/security.md budgets table", () => {
  it("states the service's numbers exactly as the code has them", async () => {
    const config = loadConfig({ env: {} });
    const window = config.signatureWindowSeconds;
    const nonceTtl = Math.max(DEFAULT_NONCE_TTL_SECONDS, 2 * window);
    const code: Record<string, number> = {
      "service.body_bytes": config.bodyLimitBytes,
      "service.body_timeout_ms": config.bodyTimeoutMs,
      "service.request_timeout_ms": config.requestTimeoutMs,
      "service.headers_timeout_ms": SERVICE_LIMITS.headersTimeoutMs,
      "service.header_bytes": maxHeaderSize,
      "service.node_request_timeout_margin_ms": SERVICE_LIMITS.requestTimeoutMarginMs,
      "service.keep_alive_ms": SERVICE_LIMITS.keepAliveTimeoutMs,
      "service.signature_window_s": window,
      "service.nonce_ttl_s": nonceTtl,
      "service.nonce_capacity": nonceCapacityFor({
        requestsPerMinute: config.rateLimitPerMinute,
        nonceTtlSeconds: nonceTtl,
      }),
      "service.nonce_key_ids": DEFAULT_MAX_NONCE_KEY_IDS,
      "service.rate_limit_rpm": config.rateLimitPerMinute,
      "service.rate_limit_clients": SERVICE_LIMITS.rateLimitClients,
      "service.dimensions_per_client": DIMENSION_LIMITS.dimensionsPerClient,
      "service.dimension_values": DIMENSION_LIMITS.valuesPerDimension,
      "service.stats_samples": config.statsCapacity,
      "service.drain_timeout_ms": config.drainTimeoutMs,
      "service.repair_attempts": config.outputRepairAttempts,
      "service.reference_chars": SERVICE_LIMITS.referenceMaxChars,
      "service.page_size": SERVICE_LIMITS.pageSizeMax,
      "service.request_id_chars": SERVICE_LIMITS.requestIdMaxChars,
      "service.logged_body_bytes": SERVICE_LIMITS.loggedBodyBytes,
      "service.log_buffer_bytes": SERVICE_LIMITS.logBufferBytes,
      "service.log_flush_timeout_ms": SERVICE_LIMITS.logFlushTimeoutMs,
      "service.logged_error_detail_chars": SERVICE_LIMITS.loggedErrorDetailChars,
      "service.output_excerpt_chars": SERVICE_LIMITS.outputExcerptChars,
      "service.sse_heartbeat_ms": SERVICE_LIMITS.sseHeartbeatMs,
    };
    const documented = await documentedBudgets();
    const service = Object.fromEntries([...documented].filter(([id]) => id.startsWith("service.")));
    expect(service).toEqual(code);
  });

  it("states the batch budgets exactly as the configuration defaults have them", async () => {
    const { batches } = loadConfig({ env: {} });
    const documented = await documentedBudgets();
    expect(Object.fromEntries([...documented].filter(([id]) => id.startsWith("batch.")))).toEqual({
      "batch.body_bytes": batches.bodyLimitBytes,
      "batch.items": batches.limits.maxItems,
      "batch.item_input_bytes": batches.limits.maxItemInputBytes,
      "batch.queued_items": batches.limits.maxQueuedItems,
      "batch.result_bytes": batches.limits.maxResultBytes,
      "batch.result_ttl_s": batches.limits.resultTtlSeconds,
      "batch.max_age_s": batches.limits.maxAgeSeconds,
      "batch.dead_letters": batches.limits.deadLetterCapacity,
      "batch.results_page": MAX_RESULTS_PAGE,
    });
  });

  it("states the gateway client's answer budget exactly as its default has it", async () => {
    const documented = await documentedBudgets();
    expect(Object.fromEntries([...documented].filter(([id]) => id.startsWith("gateway.")))).toEqual({
      "gateway.response_bytes": DEFAULT_MAX_RESPONSE_BYTES,
    });
  });

  it("states the registry loader's numbers exactly as LIMITS has them", async () => {
    const documented = await documentedBudgets();
    const registry = Object.fromEntries([...documented].filter(([id]) => id.startsWith("registry.")));
    expect(registry).toEqual({
      "registry.file_bytes": LIMITS.maxFileBytes,
      "registry.files": LIMITS.maxFiles,
      "registry.yaml_aliases": LIMITS.maxAliasCount,
      "registry.nesting_depth": LIMITS.maxNestingDepth,
      "registry.schema_depth": LIMITS.maxSchemaDepth,
      "registry.problems_per_file": LIMITS.maxProblemsPerFile,
    });
  });
});
