// Public API of @promptreg/runtime: the framework-free run pipeline that the service's HTTP routes, the OpenAI
// facade and (later) batch jobs and evals drive. Anything not named here is private.

export { buildChatRequest } from "./chat-request.js";
export { RunDeadlineError } from "./errors/run-deadline-error.js";
export {
  RUN_ERROR_CODES,
  RunError,
  type RunErrorCode,
  type RunErrorOrigin,
} from "./errors/run-error.js";
export { RunOutputInvalidError } from "./errors/run-output-invalid-error.js";
export {
  createRenderPipeline,
  type RenderPipeline,
  type RenderPipelineOptions,
  type RenderRequest,
} from "./render-pipeline.js";
export {
  createRunPipeline,
  type GatewayPort,
  type RunEvent,
  type RunPipeline,
  type RunPipelineOptions,
  type RunRequest,
  type RunResult,
  type RunUsage,
} from "./run-pipeline.js";
