import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { imageRuntime } from "./dockerfile-stage.js";
import { repoRoot } from "./workspace-packages.js";

describe("imageRuntime", () => {
  it("reads the last stage's WORKDIR, ENV (continued lines), CMD and HEALTHCHECK, not an earlier stage's", () => {
    const runtime = imageRuntime(`# syntax=docker/dockerfile:1.7
FROM node AS build
ENV BUILD_ONLY=1
WORKDIR /repo
CMD ["node", "build.js"]
FROM node AS runtime
ENV A=1 \\
    B="two words" \\
    C=/app/c
WORKDIR /app
HEALTHCHECK --interval=10s \\
  CMD ["node", "-e", "probe()"]
CMD ["node", "dist/main.js"]
`);
    expect(runtime).toEqual({
      workdir: "/app",
      env: { A: "1", B: "two words", C: "/app/c" },
      cmd: ["node", "dist/main.js"],
      healthcheck: ["node", "-e", "probe()"],
    });
  });

  it("reads the repository's Dockerfile", async () => {
    const runtime = imageRuntime(await readFile(path.join(repoRoot, "Dockerfile"), "utf8"));
    expect(runtime.workdir).toBe("/app");
    expect(runtime.env).toMatchObject({
      NODE_ENV: "production",
      PORT: "3000",
      PROMPTREG_TEMPLATES_DIR: "/app/templates",
    });
    expect(runtime.cmd).toEqual(["node", "dist/main.js"]);
    expect(runtime.healthcheck?.[0]).toBe("node");
  });

  it("refuses the shell form of CMD instead of guessing", () => {
    expect(() => imageRuntime("FROM x\nCMD node dist/main.js\n")).toThrow(/exec form/);
  });
});
