import { type Browser, chromium } from "playwright-core";

/** Debian's chromium (`apt-get install chromium`; .ci/system-deps installs it in CI). */
export const CHROMIUM = process.env.PROMPTREG_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Real headless Chromium with the flags this sandbox needs: without the background-networking ones, Chromium's own
 * connections to Google hosts are refused by the closed network, many at a time. Playwright gives every launch a
 * fresh temporary profile (its own --user-data-dir) and removes it on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
