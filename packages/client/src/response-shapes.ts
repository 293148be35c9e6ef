import type {
  BatchResultsPage,
  BatchStatus,
  RenderResponse,
  RunResponse,
  TemplateDetails,
  TemplateVersionDetails,
} from "./types.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isResolvedRef(value: unknown): boolean {
  return isRecord(value) && typeof value.id === "string" && typeof value.version === "string";
}

/** A light structural check: enough to fail loudly on a wrong baseUrl, not a full schema validation. */
export function isRenderResponse(value: unknown): value is RenderResponse {
  return (
    isRecord(value) &&
    isResolvedRef(value.ref) &&
    Array.isArray(value.messages) &&
    typeof value.model === "string"
  );
}

export function isRunResponse(value: unknown): value is RunResponse {
  return (
    isRecord(value) && isResolvedRef(value.ref) && typeof value.text === "string" && isRecord(value.usage)
  );
}

export function isTemplateVersionDetails(value: unknown): value is TemplateVersionDetails {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.version === "string" &&
    Array.isArray(value.examples) &&
    isRecord(value.inputSchema)
  );
}

export function isTemplateDetails(value: unknown): value is TemplateDetails {
  return (
    isRecord(value) && typeof value.id === "string" && Array.isArray(value.versions) && isRecord(value.labels)
  );
}

export function isBatchStatus(value: unknown): value is BatchStatus {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.status === "string" &&
    isRecord(value.counts)
  );
}

export function isBatchResultsPage(value: unknown): value is BatchResultsPage {
  return (
    isRecord(value) &&
    Array.isArray(value.items) &&
    (value.nextCursor === null || typeof value.nextCursor === "string")
  );
}
