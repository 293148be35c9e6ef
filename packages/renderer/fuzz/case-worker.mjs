// Worker thread entry of the fuzz suite: registers tsx so the TypeScript sources load, then answers cases.
// Plain JavaScript on purpose: a worker thread does not inherit vitest's or tsx's loader from its parent.
import { register } from "tsx/esm/api";

register();
await import("./case-worker-main.ts");
