export { CliError } from "./errors/cli-error.js";
export { ExampleNotFoundError } from "./errors/example-not-found-error.js";
export { InputFileError, type InputFileProblem } from "./errors/input-file-error.js";
export { ScaffoldError, type ScaffoldProblem } from "./errors/scaffold-error.js";
export { TemplateDirError } from "./errors/template-dir-error.js";
export { UsageError } from "./errors/usage-error.js";
export { type CliIo, createProcessIo, type TextSink } from "./io.js";
export { main } from "./main.js";
export {
  formatProblem,
  formatSummary,
  reportFails,
  type ValidationReport,
  validateTemplates,
} from "./validation-report.js";
