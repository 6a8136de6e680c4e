/**
 * Debian's Chromium for the browser tests, headless, with nothing that reaches out on its own
 * (no QUIC, background networking, component updates or sync): the tests run in a loopback-only
 * namespace and only the pages under test may open connections.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
/** For a describe title: why the tests are skipped, when they are. */
export const chromiumSkipNote = haveChromium
  ? ''
  : ` (skipped: ${CHROMIUM} is absent; apt-get install chromium)`;

export function launchHeadlessChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
