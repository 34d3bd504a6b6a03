/**
 * The web console in a real browser, reusable by every browser test: the whole stack in-process (devserver with
 * authentication, SDK workers, registries on PGlite or DATABASE_URL's Postgres — test/support/harness.ts), the API
 * with the console served over HTTP on a random port, and Debian's Chromium driven by playwright-core
 * (CHROMIUM_PATH, else /usr/bin/chromium). `signIn` goes through the local identity provider's login page like a
 * person would; `checkAccessibility` runs axe-core on the page (WCAG 2.1 A/AA) and fails on serious or critical
 * violations.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';
import { serveApi, type RunningApi } from '../../api/server';
import { createCaseService, type CaseService } from '../../api/case-service';
import { createReadModelRoutes } from '../../api/read-model-routes';
import { apiSecurity } from '../../api/security-config';
import { auditRegistries, createPostgresAuditSink, createPostgresRegistries } from '../../activities/registries';
import { openDevIdentityProvider, type DevIdentityProvider } from '../../identity/dev-identity-provider';
import { startHarness, type Harness } from '../support/harness';
import { createStaffConsoleDeps } from '../../web/staff-deps';
import { startEngineSession } from '../../designer/engine-session';
import { setTimeout as sleep } from 'node:timers/promises';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export interface ConsoleStack {
  harness: Harness;
  idp: DevIdentityProvider;
  api: RunningApi;
  /** The API's case service (to open cases quickly where a test is not about the application form). */
  service: CaseService;
  /** The console's origin, e.g. http://127.0.0.1:41234 */
  url: string;
  browser: Browser;
  /** A fresh browser context (its own cookies): English by default, JavaScript on unless told. */
  newPage(opts?: { javaScriptEnabled?: boolean; locale?: string; viewport?: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}

export async function startConsoleStack(): Promise<ConsoleStack> {
  const idp = await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'console-idp-')) });
  const harness = await startHarness({ identity: idp });
  const db = harness.registries.db;
  const registries = auditRegistries(createPostgresRegistries(db), createPostgresAuditSink(db), () => new Date());
  const service = createCaseService({ client: harness.client, db, registries });
  const api = await serveApi(service, {
    port: 0,
    readModel: createReadModelRoutes({ db }),
    console: { db, now: () => new Date(), staff: createStaffConsoleDeps({ client: harness.client, db, startSimulation: startEngineSession }) },
    security: apiSecurity({ devIdentityProvider: idp }),
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const contexts: BrowserContext[] = [];
  return {
    harness,
    idp,
    api,
    service,
    url: api.url,
    browser,
    async newPage(opts = {}) {
      const context = await browser.newContext({
        baseURL: api.url,
        javaScriptEnabled: opts.javaScriptEnabled ?? true,
        locale: opts.locale ?? 'en-US',
        viewport: opts.viewport ?? { width: 1024, height: 800 },
      });
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await api.close();
      await harness.close();
    },
  };
}

/**
 * Signs in through the console's "Sign in" link and the local identity provider's login page: picks the seeded
 * identity `spec` in the list (or types it when it is not listed), then continues back to the console.
 */
export async function signIn(page: Page, spec: string, opts: { from?: string; check?: boolean } = {}): Promise<void> {
  await page.goto(opts.from ?? '/sign-in');
  await page.waitForURL(/\/auth\/login/);
  if (opts.check !== false) await checkAccessibility(page);
  const pick = page.locator(`input[name="pick"][value="${spec}"]`);
  if ((await pick.count()) > 0) await pick.check();
  else await page.getByLabel('Or type who you are').fill(spec);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/auth/') && !u.pathname.startsWith('/sign-in'));
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Sign out|Đăng xuất/ }).click();
  await page.waitForURL(/signedOut=1/);
}

/** axe-core on the page as it is now: no serious or critical WCAG 2.1 A/AA violation. */
export async function checkAccessibility(page: Page): Promise<void> {
  const axe = (p: Page) => new AxeBuilder({ page: p }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  let results;
  try {
    results = await axe(page);
  } catch (e) {
    if (!/cannot run scripts/i.test(String(e))) throw e;
    // JavaScript is off in this page's context: check the same HTML, at the same origin and size, where axe can run.
    const context = await page.context().browser()!.newContext({ viewport: page.viewportSize() ?? undefined });
    try {
      const copy = await context.newPage();
      await copy.goto(new URL('/assets/console.css', page.url()).href);
      await copy.setContent(await page.content(), { waitUntil: 'load' });
      results = await axe(copy);
    } finally {
      await context.close();
    }
  }
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id} (${v.impact}) on ${page.url()}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

/** Reloads the page until `selector` is there (a case moves on in the background: checks, projections). */
export async function reloadUntil(page: Page, selector: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await page.locator(selector).count()) === 0) {
    if (Date.now() > until) throw new Error(`${selector} never appeared on ${page.url()}`);
    await sleep(300);
    await page.reload();
  }
}

/** Fills a generated application form: radios by value, text inputs by field name. */
export async function fillApplication(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) {
    if (value === '' && (await page.locator(`input[type="radio"][name="${name}"]`).count()) > 0) continue; // left unchosen
    const radio = page.locator(`input[type="radio"][name="${name}"][value="${value}"]`);
    if ((await radio.count()) > 0) await radio.check();
    else await page.locator(`input[name="${name}"]`).fill(value);
  }
}

/**
 * Saves a screenshot of the page as docs/screenshots/<name>.png when CONSOLE_SCREENSHOTS names a directory
 * (`npm run screenshots`); otherwise does nothing.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.CONSOLE_SCREENSHOTS;
  if (!dir) return;
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}
