// A stand-in for `op read`, `doppler secrets get`, `vault kv get`...: counts its runs and does what <dir>/mode says.
//   ok:<secret>   print the secret (and, like careless tools, echo it on stderr too)
//   exit:<code>   print the argv and a secret-looking line on stdout and stderr, then exit with <code>
//   hang          never answer
//   big:<bytes>   print that many bytes
//   empty         print nothing, exit 0
//   slow:<ms>:<secret>  wait, then print the secret
// Usage: node fake-secret-command.mjs <dir>
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";

const dir = process.argv[2];
appendFileSync(path.join(dir, "calls"), "x");
const mode = readFileSync(path.join(dir, "mode"), "utf8").trim();
const [kind, ...rest] = mode.split(":");
if (kind === "ok") {
  const secret = rest.join(":");
  process.stderr.write(`fetched ${secret}\n`);
  process.stdout.write(`${secret}\n`);
} else if (kind === "exit") {
  const text = `error: could not read ${process.argv.join(" ")} (last value sk-stderr-leak-0123456789)\n`;
  process.stdout.write(text);
  process.stderr.write(text);
  process.exit(Number(rest[0]));
} else if (kind === "hang") {
  setInterval(() => {}, 1_000);
} else if (kind === "big") {
  process.stdout.write("k".repeat(Number(rest[0])));
} else if (kind === "slow") {
  setTimeout(() => process.stdout.write(rest.slice(1).join(":")), Number(rest[0]));
}
