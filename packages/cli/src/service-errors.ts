import { AuthenticationError, ConnectionError, InvalidRequestError, PromptregError } from "@promptreg/client";
import { ServiceCallError } from "./errors/service-call-error.js";

const authHints: Record<string, string> = {
  signature_mismatch:
    "The secret does not match the key id. If the service was restarted with a new credential, use the current .promptreg/dev-client.json, or fix PROMPTREG_SECRET.",
  unknown_key:
    "The service does not know this key id. Use the credential the running service printed at start-up, or fix PROMPTREG_KEY_ID.",
  stale_timestamp:
    "This machine's clock differs from the service's by more than the signature window; sync the clock.",
  replayed_nonce: "A nonce was reused; retry the command.",
  missing_headers:
    "The request reached the service without signature headers; is --url pointing at a proxy that strips them?",
};

/**
 * Turns a client SDK failure into a message a person at a terminal can act on. `source` says where the credential
 * came from. Anything that is not a client error is returned unchanged (a bug, reported as such by `main`).
 */
export function describeServiceFailure(
  thrown: unknown,
  context: { baseUrl: string; source: string },
): unknown {
  if (!PromptregError.isInstance(thrown)) return thrown;
  const error: PromptregError = thrown;
  // Subclasses are told apart on an unknown-typed reference: some add no fields to PromptregError, so ruling one
  // out on `error` itself would narrow `error` to never.
  const which: unknown = thrown;
  const common = {
    cause: error,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
  };
  if (ConnectionError.isInstance(which)) {
    const refused = hasErrorCode(error.cause, "ECONNREFUSED");
    return new ServiceCallError({
      ...common,
      code: refused ? "connection_refused" : "connection_failed",
      message: refused
        ? `cannot reach the promptreg service at ${context.baseUrl} (connection refused): is the service running? start it with \`pnpm start\`, or point --url / PROMPTREG_URL at it.`
        : `cannot reach the promptreg service at ${context.baseUrl}: ${error.message}`,
    });
  }
  if (AuthenticationError.isInstance(which)) {
    const hint = authHints[error.code] ?? "Check the key id and secret.";
    return new ServiceCallError({
      ...common,
      code: error.code,
      message: `the service rejected the request signature (reason: ${error.code}; credential from ${context.source}). ${hint}`,
      detailLines: [`  ${error.message}`],
    });
  }
  const issues = inputIssues(error.details);
  if (InvalidRequestError.isInstance(which) && issues.length > 0) {
    const lines = issues.map((issue) => `  ${issue.path}: ${issue.message}`);
    return new ServiceCallError({
      ...common,
      code: error.code,
      message: `the service rejected the input (${issues.length} problem${issues.length === 1 ? "" : "s"}); fix these paths in the input JSON:`,
      detailLines: lines,
    });
  }
  return new ServiceCallError({ ...common, code: error.code, message: error.message });
}

function inputIssues(details: Record<string, unknown> | undefined): { path: string; message: string }[] {
  const issues = details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue: unknown) => {
    if (typeof issue !== "object" || issue === null) return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    const where = Array.isArray(path) && path.length > 0 ? `input.${path.join(".")}` : "input";
    return [{ path: where, message: typeof message === "string" ? message : "invalid" }];
  });
}

/** Node's fetch wraps socket errors (sometimes in an AggregateError); look through causes for the errno code. */
function hasErrorCode(error: unknown, code: string, depth = 0): boolean {
  if (depth > 5 || typeof error !== "object" || error === null) return false;
  if ((error as { code?: unknown }).code === code) return true;
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested) && nested.some((inner) => hasErrorCode(inner, code, depth + 1))) return true;
  return hasErrorCode((error as { cause?: unknown }).cause, code, depth + 1);
}
