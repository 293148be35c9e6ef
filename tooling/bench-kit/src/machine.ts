import os from "node:os";

/** One line naming the machine a benchmark ran on, so numbers are never read without it. */
export function machineSummary(now: Date = new Date()): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown CPU";
  const memGiB = Math.round(os.totalmem() / 2 ** 30);
  return `${now.toISOString().slice(0, 10)}, Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} × ${model}, ${memGiB} GiB`;
}
