import os from "node:os";

/**
 * One line naming the machine a benchmark ran on, so numbers are never read without it. The load average (1 and
 * 5 minutes, read when the section is written, so the 5-minute figure spans most of a benchmark's run) says how
 * much the other jobs on a shared box were competing for its cores.
 */
export function machineSummary(now: Date = new Date(), load: readonly number[] = os.loadavg()): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown CPU";
  const memGiB = Math.round(os.totalmem() / 2 ** 30);
  const [one = 0, five = 0] = load;
  return `${now.toISOString().slice(0, 10)}, Node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} × ${model}, ${memGiB} GiB, load average ${one.toFixed(1)} / ${five.toFixed(1)} (1 / 5 min)`;
}
