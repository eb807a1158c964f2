/**
 * Debian's Chromium for the browser tests, through playwright-core (which
 * adds --headless and a fresh temporary --user-data-dir itself).
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.COHORT_CHROMIUM ?? '/usr/bin/chromium';

/** No sandbox (containers), no GPU, and nothing that calls home during a test. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
