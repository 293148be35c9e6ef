import { createMockGateway } from "@promptreg/mock-gateway";

// The mock runs in its own process so the client under test has an event loop to itself. The parent learns the URL
// over IPC and ends this process by disconnecting.
const mock = await createMockGateway({ apiKey: process.env.BENCH_KEY ?? "bench-key" });
process.send?.({ url: mock.url });
process.on("disconnect", () => {
  void mock.close().then(() => process.exit(0));
});
