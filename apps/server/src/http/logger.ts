import { type DestinationStream, type Logger, pino } from "pino";

/**
 * Header and field names whose values are secrets. Our own log lines never include them, and pino's redaction
 * is the second line of defence should a future change log a whole request or error.
 */
const REDACT = [
  "authorization",
  "apiKey",
  "secret",
  "secrets",
  "*.authorization",
  "*.apiKey",
  "*.secret",
  "*.secrets",
  'headers["authorization"]',
  'headers["x-promptreg-signature"]',
  '*.headers["authorization"]',
  '*.headers["x-promptreg-signature"]',
];

export function createLogger({
  level = "info",
  destination,
}: {
  level?: string;
  destination?: DestinationStream;
} = {}): Logger {
  const options = {
    level,
    base: { service: "promptreg-server" },
    redact: { paths: REDACT, censor: "[redacted]" },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
