import path from "node:path";
import { deployServer } from "./deploy-server.js";
import { repoRoot } from "./workspace-packages.js";

// The image's build stage: `node --import tsx tooling/packing/src/deploy-server-bin.ts /deploy`, after the build.
const destination = process.argv[2];
if (!destination) {
  process.stderr.write("usage: deploy-server-bin.ts <destination folder>\n");
  process.exit(2);
}
const { manifests } = await deployServer({ workspaceRoot: repoRoot, destination: path.resolve(destination) });
process.stdout.write(
  `deployed @promptreg/server to ${destination}; published form of ${manifests.length} manifests\n`,
);
