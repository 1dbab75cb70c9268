/** Debian's Chromium through playwright-core: never a browser download. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * Every Content-Security-Policy violation in a context's pages, as the browser reports it (the
 * `securitypolicyviolation` event, not the console's wording): `<directive> refused <what> on <page>`.
 * Recorded from a script the browser injects before the page's own, which the page's policy does not govern.
 */
export async function recordPolicyViolations(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeBinding('__policyViolation', ({ page }, text: string) => {
    violations.push(`${text} on ${page?.url() ?? '?'}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __policyViolation(text: string): void }).__policyViolation(`${event.effectiveDirective} refused ${event.blockedURI || 'inline'}`);
    });
  });
  return violations;
}

/**
 * A page in a context of its own, and what went wrong in it: console errors, page errors, failed
 * requests, HTTP errors and every Content-Security-Policy violation (`problems`, filled as it runs).
 */
export async function watchedPage(browser: Browser, options: { javaScriptEnabled?: boolean } = {}): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext(options);
  const problems = await recordPolicyViolations(context);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, problems };
}
