/**
 * The console's citizen and officer journeys in Chromium against the real stack: the mother applies once for the
 * birth group (form from the declarations, inline errors with the API's codes, a preview of the data the state holds
 * with its register, confirmation), re-submits and is shown her existing case; the justice officer approves from the
 * queue, the household head consents, the police officer approves; the mother sees the results and who used her
 * data. A refused case, a supplemented case, and a citizen refused someone else's case. axe-core on every page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER } from '../../db/seed';
import { childFields } from '../api/fixtures';
import { checkAccessibility, fillApplication, reloadUntil, screenshot, signIn, startConsoleStack, type ConsoleStack } from './console-fixture';

let stack: ConsoleStack;
beforeAll(async () => {
  stack = await startConsoleStack();
});
afterAll(async () => stack?.close());

const MOTHER = `citizen:${FIXTURE_MOTHER.personalId}`;
const HEAD = `citizen:${FIXTURE_HOUSEHOLD_HEAD.personalId}`;
const JUSTICE = 'officer:justice:tp-01';
const POLICE = 'officer:police:ca-07';
const mother = { kind: 'citizen' as const, personalId: FIXTURE_MOTHER.personalId };

/** A case opened through the case service (for journeys that are not about the form). */
async function openCase(name: string): Promise<string> {
  const r = await stack.service.submitApplication(mother, { procedureId: 'birth-group', channel: 'portal', applicant: { personalId: FIXTURE_MOTHER.personalId }, fields: childFields(name) });
  return r.caseId;
}

async function officerDecides(page: Page, caseId: string, button: string, fill?: (p: Page) => Promise<void>) {
  await page.goto(`/officer/cases/${caseId}`);
  await reloadUntil(page, `button:has-text("${button}")`);
  await checkAccessibility(page);
  await fill?.(page);
  await page.getByRole('button', { name: button }).click();
}

let caseId = '';
const firstChild = childFields('Nguyễn Minh An');

describe('citizen applies once; agencies act; the citizen sees results and who used her data', { timeout: 300_000 }, () => {
  it('the mother applies: inline errors, preview of the data the state holds with its register, confirmation', async () => {
    const page = await stack.newPage();
    await signIn(page, MOTHER);
    await page.goto('/');
    await screenshot(page, 'home');
    await page.goto('/services');
    await checkAccessibility(page);
    await page.getByRole('link', { name: /Birth registration, permanent residence/ }).click();
    expect(await page.getByText('3 working days (5 when verification is needed)').count()).toBe(1);
    expect(await page.getByText(/the National Population Database: mother's full name/).count()).toBe(1);
    await checkAccessibility(page);
    await page.getByRole('button', { name: 'Apply now' }).click();
    await page.waitForURL(/\/apply\/birth-group$/);
    // Only citizen-sourced fields are asked: never the parents' names (the state holds them).
    expect(await page.locator('input[name="mother.fullName"]').count()).toBe(0);
    await checkAccessibility(page);

    // Errors inline: a required field left empty, a date and an identifier of the wrong shape.
    await fillApplication(page, { ...firstChild, 'child.fullName': '', 'child.dateOfBirth': '20/11/2026', 'father.personalId': '12345' });
    await page.getByRole('button', { name: 'Continue to the preview' }).click();
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.getByRole('link').count()).toBe(3);
    expect(await summary.getByText("Enter the child's full name").count()).toBe(1);
    expect(await page.locator('#f-child-dateOfBirth-error').textContent()).toContain('INVALID_INPUT');
    expect(await page.title()).toMatch(/^Error: /);
    await checkAccessibility(page);

    // A fact the service refuses, checked by the API's own code: the message and the code behind it.
    await fillApplication(page, { ...firstChild, 'child.dateOfBirth': '2099-01-01' });
    await page.getByRole('button', { name: 'Continue to the preview' }).click();
    await page.getByRole('button', { name: 'Confirm and apply' }).click();
    expect(await page.locator('#f-child-dateOfBirth-error').textContent()).toMatch(/after today[\s\S]*(INVALID_INPUT|DATE_IN_FUTURE)/);
    await checkAccessibility(page);

    // An applicant-given fact the registers contradict, refused at submission with the rule's code.
    await fillApplication(page, { ...firstChild, 'registration.communeCode': '26734' });
    await page.getByRole('button', { name: 'Continue to the preview' }).click();
    await page.getByRole('button', { name: 'Confirm and apply' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('COMMUNE_NOT_IN_PROVINCE');
    await checkAccessibility(page);

    await fillApplication(page, firstChild);
    await page.getByRole('button', { name: 'Continue to the preview' }).click();
    await page.waitForURL(/\/preview$/);
    // Her own data, read from the register, shown read-only with its source; the father's named, not shown.
    const held = page.locator('dl').first();
    expect(await held.textContent()).toContain(FIXTURE_MOTHER.fullName);
    expect(await held.textContent()).toContain('from the National Population Database');
    expect(await held.textContent()).not.toContain(FIXTURE_FATHER.fullName);
    expect(await held.getByText('read when you confirm').count()).toBeGreaterThan(0);
    await checkAccessibility(page);
    await screenshot(page, 'apply-preview');
    await page.getByRole('button', { name: 'Confirm and apply' }).click();
    await page.waitForURL(/\/my\/cases\/[^/?]+\?submitted=1/);
    caseId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await page.getByText(`Your case number is ${caseId}.`).count()).toBe(1);
    await checkAccessibility(page);
  });

  it('re-submitting the same application shows the existing case, not a duplicate', async () => {
    const page = await stack.newPage();
    await signIn(page, MOTHER, { check: false });
    await page.goto('/apply/birth-group');
    await fillApplication(page, firstChild);
    await page.getByRole('button', { name: 'Continue to the preview' }).click();
    await page.getByRole('button', { name: 'Confirm and apply' }).click();
    await page.waitForURL(/duplicate=1/);
    expect(new URL(page.url()).pathname).toBe(`/my/cases/${caseId}`);
    expect(await page.getByText('You already applied').count()).toBe(1);
    await page.goto('/my/cases');
    expect(await page.locator(`a[href="/my/cases/${caseId}"]`).count()).toBe(1);
    await checkAccessibility(page);
  });

  it('the justice officer approves from the queue', async () => {
    const page = await stack.newPage();
    await signIn(page, JUSTICE);
    await page.goto('/officer/queue');
    await reloadUntil(page, `a[href="/officer/cases/${caseId}"]`);
    expect(await page.locator('.govuk-tag').first().textContent()).toMatch(/On time|Due today|Overdue/);
    await checkAccessibility(page);
    await screenshot(page, 'officer-queue');
    await page.locator(`a[href="/officer/cases/${caseId}"]`).click();
    // Provenance of the data: prefilled from a register, given by the applicant.
    expect(await page.getByText('prefilled from the National Population Database').count()).toBeGreaterThan(0);
    expect(await page.getByText('given by the applicant').count()).toBeGreaterThan(0);
    // Only the events this officer may send now.
    expect(await page.getByRole('button', { name: 'Approve the permanent residence' }).count()).toBe(0);
    await screenshot(page, 'officer-case');
    await officerDecides(page, caseId, 'Approve the birth registration');
    await page.waitForURL(/decided=APPROVE_BIRTH/);
    expect(await page.getByText(`Approve the birth registration recorded on case ${caseId}.`).count()).toBe(1);
    await checkAccessibility(page);
  });

  it('the household head consents to adding the child to the household', async () => {
    const page = await stack.newPage();
    await signIn(page, HEAD);
    await page.goto('/my/cases');
    await reloadUntil(page, `a[href="/my/cases/${caseId}"]`);
    await checkAccessibility(page);
    await page.locator(`a[href="/my/cases/${caseId}"]`).click();
    await reloadUntil(page, 'button:has-text("I agree to add the child to my household")');
    await checkAccessibility(page);
    await page.getByRole('button', { name: 'I agree to add the child to my household' }).click();
    await page.waitForURL(/sent=HEAD_CONSENT/);
    expect(await page.getByRole('button', { name: 'I agree to add the child to my household' }).count()).toBe(0);
  });

  it('the police officer approves the permanent residence', async () => {
    const page = await stack.newPage();
    await signIn(page, POLICE, { check: false });
    await officerDecides(page, caseId, 'Approve the permanent residence');
    await page.waitForURL(/decided=APPROVE_RESIDENCE/);
  });

  it('the mother sees the results and who used her data', async () => {
    const page = await stack.newPage();
    await signIn(page, MOTHER, { check: false });
    await page.goto(`/my/cases/${caseId}`);
    await reloadUntil(page, 'td:has-text("Health-insurance card")');
    const results = await page.locator('table').first().textContent();
    for (const doc of ['Birth certificate', 'Personal ID number', 'Permanent residence', 'Health-insurance card']) expect(results).toContain(doc);
    expect(await page.getByText('Completed').count()).toBeGreaterThan(0);
    await checkAccessibility(page);
    await screenshot(page, 'my-case-results');
    await page.getByRole('link', { name: 'Who used my data' }).first().click();
    await checkAccessibility(page);
    // Newest first, paged: read every page of the log.
    let log = '';
    for (;;) {
      log += await page.locator('table').textContent();
      const next = page.getByRole('link', { name: 'Next' });
      if ((await next.count()) === 0) break;
      await next.click();
    }
    expect(log).toContain('the National Population Database');
    expect(log).toContain('looked at the case'); // the justice officer's view of her case
    expect(log).toContain('officer:justice:tp-01');
    expect(log).toContain(caseId);
    expect(log).toContain('preview before applying');
    await page.goto('/my/data');
    await screenshot(page, 'my-data');
    await page.getByRole('link', { name: 'Tiếng Việt' }).click();
    expect(await page.locator('h1').textContent()).toBe('Ai đã sử dụng dữ liệu của tôi');
    await checkAccessibility(page);
  });
});

describe('refused and supplemented cases, and a case that is not yours', { timeout: 300_000 }, () => {
  it('the officer refuses with a reason (required, checked by the case); the mother sees the refusal', async () => {
    const refused = await openCase('Refused Child');
    const officer = await stack.newPage();
    await signIn(officer, JUSTICE, { check: false });
    await officerDecides(officer, refused, 'Refuse the birth registration');
    // Without a reason the case refuses the event: the API's code, inline.
    expect(await officer.locator('.govuk-error-summary').textContent()).toMatch(/EVENT_NOT_ACCEPTED|INVALID_INPUT/);
    await checkAccessibility(officer);
    await officer.getByLabel('Reason (sent to the applicant)').fill('The birth notice does not match the hospital record.');
    await officer.getByRole('button', { name: 'Refuse the birth registration' }).click();
    await officer.waitForURL(/decided=REFUSE_BIRTH/);

    const page = await stack.newPage();
    await signIn(page, MOTHER, { check: false });
    await page.goto(`/my/cases/${refused}`);
    await reloadUntil(page, 'text=The birth notice does not match the hospital record.');
    expect(await page.getByText('Refused').count()).toBeGreaterThan(0);
    await checkAccessibility(page);
  });

  it('the officer asks for a supplement; the mother supplements; the officer approves', async () => {
    const supplemented = await openCase('Supplemented Child');
    const officer = await stack.newPage();
    await signIn(officer, JUSTICE, { check: false });
    await officerDecides(officer, supplemented, 'Ask for a supplement', async (p) => {
      await p.getByLabel('Missing documents').fill('medical birth notice (scan)');
    });
    await officer.waitForURL(/decided=REQUEST_SUPPLEMENT/);

    const page = await stack.newPage();
    await signIn(page, MOTHER, { check: false });
    await page.goto(`/my/cases/${supplemented}`);
    await reloadUntil(page, 'button:has-text("Supplement the dossier")');
    expect(await page.getByText('medical birth notice (scan)').count()).toBeGreaterThan(0);
    await checkAccessibility(page);
    await page.getByLabel('Documents you are adding').fill('medical birth notice (scan)');
    await page.getByRole('button', { name: 'Supplement the dossier' }).click();
    await page.waitForURL(/sent=SUPPLEMENT/);

    await officerDecides(officer, supplemented, 'Approve the birth registration');
    await officer.waitForURL(/decided=APPROVE_BIRTH/);
  });

  it('a citizen who opens someone else\'s case, and an officer of another commune, are refused', async () => {
    const caseId = await openCase('Private Child');
    const page = await stack.newPage();
    await signIn(page, `citizen:${FIXTURE_FATHER.personalId}`, { check: false });
    const res = await page.goto(`/my/cases/${caseId}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    expect(await page.getByText(FIXTURE_MOTHER.fullName).count()).toBe(0);
    await checkAccessibility(page);
    // A citizen page is not an officer page, and the other way round.
    expect((await page.goto('/officer/queue'))?.status()).toBe(403);
    const other = await stack.newPage();
    await signIn(other, 'officer:justice:tp-09:01:00007', { check: false });
    expect((await other.goto(`/officer/cases/${caseId}`))?.status()).toBe(404);
    expect((await other.goto('/my/cases'))?.status()).toBe(403);
  });
});
