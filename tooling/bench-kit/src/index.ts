export { upsertSection, type WriteSectionOptions, writeBenchmarkSection } from "./benchmarks-doc.js";
export {
  appendBenchmarkHistory,
  type Headline,
  type HistoryEntry,
  historyEntries,
  historyFile,
} from "./history.js";
export { machineSummary } from "./machine.js";
export { markdownTable } from "./markdown.js";
export { findRepoRoot } from "./repo-root.js";
export { formatRatio, percentile, type SampleStats, summarize } from "./stats.js";
