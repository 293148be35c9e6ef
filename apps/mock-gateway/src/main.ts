import { parseCliArgs } from "./cli-args.js";
import { MockGatewayError } from "./errors/mock-gateway-error.js";
import { parseFaultSteps } from "./faults/parse-fault-steps.js";
import { loadScenarioFile, type Scenario } from "./scenario.js";
import { createMockGateway } from "./server.js";

const USAGE = `mock-gateway: OpenAI-compatible simulated gateway with fault injection (see docs/mock-gateway.md)

  --port N           port to listen on (default 4010; 0 picks a free port)
  --host H           interface to bind (default 127.0.0.1)
  --scenario FILE    YAML or JSON scenario (rules, seed, faultRate, faultKinds, providers, latencyMs, cost)
  --fault-rate R     probability 0..1 of a random fault on requests without a script
  --seed N           seed of the random faults (default 1)
  --fault-kinds LIST steps random faults pick from (default 500,502,503,429:s=0,reset)
`;

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  // Checked here so a bad flag is reported as the flag, not as part of the scenario file.
  if (args.faultKinds !== undefined) parseFaultSteps(args.faultKinds, { origin: "--fault-kinds flag" });
  const scenario: Scenario = args.scenario === undefined ? {} : await loadScenarioFile(args.scenario);
  const gateway = await createMockGateway({
    ...scenario,
    ...(args.scenario === undefined ? {} : { scenarioFile: args.scenario }),
    host: args.host,
    port: args.port,
    ...(args.faultRate === undefined ? {} : { faultRate: args.faultRate }),
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    ...(args.faultKinds === undefined ? {} : { faultKinds: args.faultKinds }),
  });
  process.stdout.write(`mock gateway listening on ${gateway.url}\n`);
  const stop = (signal: string) => {
    process.stdout.write(`mock gateway: ${signal}, closing\n`);
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`${MockGatewayError.isInstance(error) ? error.message : String(error)}\n`);
  process.exit(2);
});
