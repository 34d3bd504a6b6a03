/**
 * The citizen journeys with JavaScript off (server-rendered forms only): sign in, apply with a preview and
 * confirmation, consent as household head, see the results and the data tracker — at a phone's width. axe-core
 * checks every page (it runs from the test side, not in the page's scripts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER } from '../../db/seed';
import { childFields } from '../api/fixtures';
import { checkAccessibility, fillApplication, reloadUntil, signIn, startConsoleStack, type ConsoleStack } from './console-fixture';
import { setTimeout as sleep } from 'node:timers/promises';

let stack: ConsoleStack;
beforeAll(async () => {
  stack = await startConsoleStack();
});
afterAll(async () => stack?.close());

const PHONE = { width: 375, height: 740 };

/** An officer's decision through the API's service (this file is about the citizen's pages), once the case accepts it. */
async function decide(caseId: string, agency: 'justice' | 'police', id: string, type: string) {
  const officer = { kind: 'officer' as const, id, agency, jurisdiction: agency === 'justice' ? { province: '01', commune: '00004' } : { province: '01' } };
  for (let i = 0; ; i++) {
    const v = (await stack.service.getCase(officer, caseId)) as { acceptedEvents: { type: string }[] };
    if (v.acceptedEvents.some((e) => e.type === type)) break;
    if (i > 200) throw new Error(`${type} never accepted`);
    await sleep(150);
  }
  await stack.service.sendEvent(officer, caseId, { type, data: {} });
}

describe('citizen journeys without JavaScript, at a phone\'s width', { timeout: 300_000 }, () => {
  it('applies, consents as household head, and sees the results and the data tracker', async () => {
    const page = await stack.newPage({ javaScriptEnabled: false, viewport: PHONE });
    await signIn(page, `citizen:${FIXTURE_MOTHER.personalId}`);
    expect(await page.evaluate(() => (globalThis as any).document.body.className)).not.toContain('js-enabled');
    await page.goto('/apply/birth-group');
    await checkAccessibility(page);
    const fields = childFields('Không Script');
    await fillApplication(page, { ...fields, 'child.sex': '' });
    await page.getByRole('button', { name: 'Continue to the preview' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain("Enter the child's sex");
    await checkAccessibility(page);
    await fillApplication(page, fields);
    await page.getByRole('button', { name: 'Continue to the preview' }).click();
    expect(await page.locator('dl').first().textContent()).toContain(FIXTURE_MOTHER.fullName);
    await checkAccessibility(page);
    await page.getByRole('button', { name: 'Confirm and apply' }).click();
    await page.waitForURL(/submitted=1/);
    const caseId = new URL(page.url()).pathname.split('/').pop()!;
    await checkAccessibility(page);

    await decide(caseId, 'justice', 'tp-01', 'APPROVE_BIRTH');
    const head = await stack.newPage({ javaScriptEnabled: false, viewport: PHONE });
    await signIn(head, `citizen:${FIXTURE_HOUSEHOLD_HEAD.personalId}`, { check: false });
    await head.goto(`/my/cases/${caseId}`);
    await reloadUntil(head, 'button:has-text("I agree to add the child to my household")');
    await checkAccessibility(head);
    await head.getByRole('button', { name: 'I agree to add the child to my household' }).click();
    await head.waitForURL(/sent=HEAD_CONSENT/);
    await decide(caseId, 'police', 'ca-07', 'APPROVE_RESIDENCE');

    await page.goto(`/my/cases/${caseId}`);
    await reloadUntil(page, 'td:has-text("Health-insurance card")');
    await checkAccessibility(page);
    await page.goto('/my/data');
    expect(await page.locator('table').textContent()).toContain(caseId);
    await checkAccessibility(page);
    // Sign-out is a form too.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/signedOut=1/);
  });
});
