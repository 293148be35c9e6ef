import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * Lets the parent profile this bench child's steady state (bench/profile-service.ts): it sends "profile-start" after
 * a warm-up and "profile-stop" before the end, and gets the profile's path back over IPC. serve.ts (the service) and
 * bare-express.ts (the baseline) both answer it, so their profiles under the same load can be compared.
 */
export function answerProfileRequests(): void {
  let profiler: Session | undefined;
  process.on("message", (message) => {
    if (message === "profile-start") {
      profiler = new Session();
      profiler.connect();
      profiler.post("Profiler.enable", () =>
        profiler?.post("Profiler.start", () => process.send?.("profiling")),
      );
    } else if (message === "profile-stop" && profiler) {
      profiler.post("Profiler.stop", (error, result) => {
        if (error) throw error;
        const file = path.join(tmpdir(), `promptreg-bench-${process.pid}.cpuprofile`);
        writeFileSync(file, JSON.stringify(result.profile));
        process.send?.({ profile: file });
      });
    }
  });
}
