import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Where the browser tests and `npm run screenshots` write their screenshots (gitignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts/console/', import.meta.url));

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean; dir?: string } = {}): Promise<string> {
  const dir = options.dir ?? ARTIFACTS_DIR;
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

let axeSource: Promise<string> | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

/**
 * axe-core's serious and critical findings on the page as it is now (WCAG 2 A/AA and best
 * practices). Evaluated through the DevTools protocol, which the page's CSP does not govern, so
 * the console's policy stays as strict as it ships.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(await axeSource);
  // As source text: this runs in the page, whose types (DOM) the Node test code does not have.
  const violations = await page.evaluate<AxeViolation[]>(`(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 200) })) }));
  })()`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Signs in through the console's form, as a person would (the address stays: a deep link survives). */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('input[autocomplete=username]').fill(username);
  await page.locator('input[autocomplete=current-password]').fill(password);
  await page.locator('form button[type=submit]').click();
  await page.locator('[data-testid=who]').waitFor();
}
