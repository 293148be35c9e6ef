export {
  type ChangeClassifier,
  type DiffPart,
  type DocsAnalysis,
  defaultAnalysis,
  type ModelPrices,
  type PromptEstimate,
  type PromptEstimator,
  reviewAnalysis,
  type SchemaChange,
  type TextDiff,
  wordDiff,
} from "./analysis.js";
export { apiReferencePage } from "./api-reference-page.js";
export {
  type BenchmarkHistoryEntry,
  benchmarkHistoryPage,
  parseBenchmarkHistory,
} from "./benchmark-history.js";
export { CATALOG_PAGE_PATH, catalogPage, catalogRowData } from "./catalog-page.js";
export {
  type CatalogQuery,
  type CatalogRowData,
  EMPTY_QUERY,
  facetValues,
  matchesCatalogQuery,
  rowDataFromAttributes,
} from "./catalog-query.js";
export { resolveDocsBase } from "./docs-base.js";
export { DocsConfigError } from "./errors/docs-config-error.js";
export { DOCS_ERROR_CODES, type DocsErrorCode } from "./errors/docs-error-codes.js";
export { DocsInputError } from "./errors/docs-input-error.js";
export { type CallSnippets, callReference, callSnippets } from "./how-to-call.js";
export { escapeHtml } from "./html.js";
export {
  type BrokenLink,
  checkSiteLinks,
  fileForSitePath,
  formatBrokenLinks,
  scanHtml,
} from "./link-check.js";
export { describeConstraints, describeType, type SchemaRow, schemaRows } from "./schema-table.js";
export {
  buildSiteData,
  type ExampleView,
  loadSiteData,
  type SiteData,
  type TemplateView,
  type VersionView,
} from "./site-data.js";
export { type GeneratedPage, registryPages } from "./site-pages.js";
export { type LineChartOptions, lineChartSvg, niceMax } from "./svg-chart.js";
export { templatePage, templatePagePath, versionAnchor } from "./template-page.js";
export { diffHtml, renderedText, type VersionChanges, versionChanges } from "./version-changes.js";
