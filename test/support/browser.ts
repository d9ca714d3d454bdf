import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

/**
 * The one way tests (and `npm run screenshots`, `npm run bench`) start a headless Chromium:
 * CHROMIUM_PATH or Debian's /usr/bin/chromium when there, else the Chromium that comes from npm
 * (@sparticuz/chromium, a devDependency, unpacked into the temp dir on first use). A machine with
 * only Node runs the browser tests too: they never skip.
 */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const COMMON_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/**
 * @sparticuz/chromium's own flags (made for Lambda), less those that would weaken what the tests
 * check (same-origin, mixed content), fight Playwright's headless flag, or end the browser with its
 * last page (single process).
 */
const DROPPED_NPM_ARGS = /^--(disable-web-security|allow-running-insecure-content|headless|disable-site-isolation-trials|ignore-gpu-blocklist|single-process|no-zygote)/;

export async function chromiumExecutable(): Promise<{ path: string; source: 'system' | 'npm'; args: string[] }> {
  const configured = process.env.CHROMIUM_PATH ?? SYSTEM_CHROMIUM;
  if (configured && existsSync(configured)) return { path: configured, source: 'system', args: COMMON_ARGS };
  const { default: npmChromium } = await import('@sparticuz/chromium');
  const path = await npmChromium.executablePath();
  return { path, source: 'npm', args: [...new Set([...npmChromium.args.filter((a) => !DROPPED_NPM_ARGS.test(a)), ...COMMON_ARGS])] };
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const exe = await chromiumExecutable();
  return chromium.launch({ executablePath: exe.path, args: exe.args, ...options });
}
