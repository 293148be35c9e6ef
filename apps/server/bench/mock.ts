// Child process of server.bench.ts: the upstream, the mock gateway, in a process of its own. The parent learns the
// URL over IPC and ends this process by disconnecting (which also happens when the parent dies).
import { createMockGateway } from "@promptreg/mock-gateway";

const mock = await createMockGateway({});
process.send?.({ url: mock.url });
process.on("disconnect", () => {
  void mock.close().then(() => process.exit(0));
});
