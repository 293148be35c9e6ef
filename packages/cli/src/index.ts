// The public API of @promptreg/cli. `bin.ts` only calls `main`; the rest is the logic behind the commands.
export { defaultOutDir, writeBuildOutput } from "./build-output.js";
export {
  type CallTarget,
  defaultServiceUrl,
  resolveCallTarget,
} from "./call-credential.js";
export { formatRunSummary, printStream } from "./call-output.js";
export { CLI_ERROR_CODES, CliError, type CliErrorCode } from "./errors/cli-error.js";
export { CredentialError, type CredentialProblem } from "./errors/credential-error.js";
export { ExampleNotFoundError } from "./errors/example-not-found-error.js";
export { InputFileError, type InputFileProblem } from "./errors/input-file-error.js";
export { ScaffoldError, type ScaffoldProblem } from "./errors/scaffold-error.js";
export { ServiceCallError } from "./errors/service-call-error.js";
export { TemplateDirError } from "./errors/template-dir-error.js";
export { TemplatesInvalidError } from "./errors/templates-invalid-error.js";
export { TemplatesUnreadableError } from "./errors/templates-unreadable-error.js";
export { UsageError } from "./errors/usage-error.js";
export { type CliIo, createProcessIo, type TextSink } from "./io.js";
export { loadTemplates, templateLoadFailure } from "./load-templates.js";
export { main } from "./main.js";
export { exampleInput, parseInputJson, readInputJson } from "./render-input.js";
export { formatRenderResult, type RenderedPrompt } from "./render-output.js";
export { defaultOwner, scaffoldSource, scaffoldTemplate, scaffoldVersion } from "./scaffold.js";
export { describeServiceFailure } from "./service-errors.js";
export { exampleFromService } from "./service-example.js";
export { readBody, readSecretFile, type SignedRequest, shellQuote, signedRequest } from "./signed-request.js";
export { storeFailure } from "./store-failure.js";
export { defaultTemplateDir, resolveTemplateDir } from "./template-dir.js";
export { formatTemplateTable } from "./template-table.js";
export {
  formatProblem,
  formatSummary,
  relativeProblems,
  reportFails,
  type ValidationReport,
  validateTemplates,
} from "./validation-report.js";
export { formatVersionDetails, versionDetails } from "./version-details.js";
