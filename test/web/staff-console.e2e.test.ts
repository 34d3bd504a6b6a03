/**
 * The operator, designer and supervisor pages in a real browser (Debian's Chromium through playwright-core, on the
 * console stack of test/web/console-fixture.ts), axe-core on every page:
 *  - an operator finds a case stuck on a failing registry (an injected fault), runs a bulk retry after its dry run,
 *    resets the case to a named state after a dry run that lists what will be done again, and the case completes
 *    with every register write present once;
 *  - a designer opens the birth group, selects a state in the diagram and runs its simulation, with progress;
 *  - the supervisor's dashboard shows the figures of `GET /kpis` (and its CSV) after a fixture set of cases.
 * Screenshots of the main pages go to docs/screenshots/ with `npm run screenshots`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parsePrincipalSpec } from '../../identity/dev-identity-provider';
import { FIXTURE_HOUSEHOLD_HEAD } from '../../db/seed';
import { listOperatorActions } from '../../ops/audit';
import { getCaseResult, sendEvent, startCase } from '../../workflows/case-client';
import { takeKpiSnapshot } from '../../db/engine/kpi-snapshots';
import { localDateOf } from '../../domain/working-days';
import { listStuck } from '../../web/operator/stuck-list';
import { birthApplication, inState, officers, waitForCase } from '../support/harness';
import { checkAccessibility, signIn, startConsoleStack, type ConsoleStack } from './console-fixture';
import { expectWrittenOnce, flakySocialInsurance, insertDashboardCases } from './staff-fixtures';
import { setTimeout as sleep } from 'node:timers/promises';

let stack: ConsoleStack;

beforeAll(async () => {
  stack = await startConsoleStack();
}, 180_000);
afterAll(async () => {
  await stack?.close();
});

/** Screenshots only when asked for (`npm run screenshots` sets CONSOLE_SCREENSHOTS): a test run leaves docs/ alone. */
async function shot(page: Page, name: string) {
  const dir = process.env.CONSOLE_SCREENSHOTS;
  if (dir) await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

describe('operator', () => {
  it('finds a case stuck on a failing registry, bulk-retries it after a dry run, resets it to a named state after a dry run; it completes with nothing written twice', async () => {
    const h = stack.harness;
    const db = h.registries.db;
    const deps = { client: h.client, db };
    const caseId = 'web-stuck-vss';
    const childName = 'Vũ Thị Console';
    const outage = { broken: true };
    await h.stopWorker('vss');
    await h.startWorker('vss', { registries: { socialInsurance: flakySocialInsurance(db, outage) } });
    try {
      await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(childName) } });
      await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
      await sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });
      await eventually('the card to be retrying', async () => (await listStuck(deps, { kind: 'activityRetrying' })).items.some((c) => c.caseId === caseId));

      const page = await stack.newPage();
      await signIn(page, 'operator:op-01');
      await expect.poll(() => new URL(page.url()).pathname).toBe('/operator/stuck');
      await page.getByLabel('Reason', { exact: true }).selectOption('activityRetrying');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      const row = page.locator('tr', { hasText: caseId });
      await expect.poll(() => row.innerText()).toMatch(/issueHealthInsuranceCard \(vss\) failed \d+ times; last error: .*VSS registry unavailable/);
      await expect.poll(() => page.locator('caption', { hasText: 'Stuck cases per reason' }).count()).toBe(1);
      await checkAccessibility(page);
      await shot(page, 'operator-stuck');

      // Bulk retry: the dry run lists the case and writes nothing; confirmed, it is audited.
      await page.goto('/operator/bulk?kind=activityRetrying');
      await checkAccessibility(page);
      await page.getByLabel('Reason (recorded in the audit log)').fill('VSS outage: retry the waiting cards now');
      await page.getByRole('button', { name: 'Dry run (changes nothing)' }).click();
      await expect.poll(() => page.locator('h1').innerText()).toBe('Dry run: nothing was changed');
      await expect.poll(() => page.locator('main').innerText()).toContain(caseId);
      await checkAccessibility(page);
      expect(await listOperatorActions(db, { caseId })).toEqual([]);
      await page.getByLabel('I have read the dry run and confirm this action').check();
      await page.getByRole('button', { name: 'Confirm and run' }).click();
      await expect.poll(() => page.locator('h1').innerText()).toBe('Action done');
      expect(await listOperatorActions(db, { caseId })).toEqual([
        expect.objectContaining({ action: 'retry', operator: 'operator:op-01', reason: expect.stringMatching(/^VSS outage: retry the waiting cards now \(bulk retry 1\/\d+\)$/), outcome: 'ok' }),
      ]);

      // The case: its timeline in domain terms beside the raw history.
      await page.getByRole('link', { name: caseId }).first().click();
      await expect.poll(() => page.locator('h1').innerText()).toBe(`Case ${caseId}`);
      await expect.poll(() => page.locator('table', { hasText: 'Timeline in the procedure' }).innerText()).toMatch(/entered services\.insurance\.issuing/);
      await expect.poll(() => page.locator('table', { hasText: 'Raw workflow history' }).innerText()).toMatch(/WORKFLOW_EXECUTION_STARTED/);
      await checkAccessibility(page);
      await shot(page, 'operator-case');

      // Reset to a named state: a dry run first (nothing written), then confirmed; the register is restored after it.
      const lengthBefore = (await h.client.workflow.getHandle(`case-${caseId}`).describe()).historyLength;
      await page.getByLabel('Reset to a named state').check();
      await page.getByLabel('State to reset to').selectOption('services.insurance.issuing');
      await page.getByLabel('Reason (recorded in the audit log)').fill('VSS register restored: issue the card again (ticket 17)');
      await page.getByRole('button', { name: 'Dry run (changes nothing)' }).click();
      await expect.poll(() => page.locator('h1').innerText()).toBe('Dry run: nothing was changed');
      await expect.poll(() => page.locator('table', { hasText: 'Done again after the reset' }).innerText()).toMatch(/issueHealthInsuranceCard\s+agency-vss\s+had not completed/);
      await checkAccessibility(page);
      await shot(page, 'operator-reset-dry-run');
      expect((await h.client.workflow.getHandle(`case-${caseId}`).describe()).historyLength).toBe(lengthBefore);
      expect((await listOperatorActions(db, { caseId })).map((a) => a.action)).toEqual(['retry']);
      await page.getByRole('button', { name: 'Confirm and run' }).click(); // not confirmed: refused, nothing done
      await expect.poll(() => page.locator('.govuk-error-summary').innerText()).toContain('CONFIRMATION_REQUIRED');
      expect((await listOperatorActions(db, { caseId })).map((a) => a.action)).toEqual(['retry']);
      await checkAccessibility(page);
      await page.getByLabel('Reset to a named state').check();
      await page.getByLabel('State to reset to').selectOption('services.insurance.issuing');
      await page.getByLabel('Reason (recorded in the audit log)').fill('VSS register restored: issue the card again (ticket 17)');
      await page.getByRole('button', { name: 'Dry run (changes nothing)' }).click();
      await page.getByLabel('I have read the dry run and confirm this action').check();
      await page.getByRole('button', { name: 'Confirm and run' }).click();
      await expect.poll(() => page.locator('h1').innerText()).toBe('Action done');
      // The register is restored: the card step, run again from the reset point, now succeeds.
      outage.broken = false;
      const actions = await listOperatorActions(db, { caseId });
      expect(actions.at(-1)).toMatchObject({ action: 'reset', operator: 'operator:op-01', reason: 'VSS register restored: issue the card again (ticket 17)', outcome: 'ok', details: expect.objectContaining({ toState: 'services.insurance.issuing' }) });

      await waitForCase(h.client, caseId, inState('services.residence.awaitingHeadConsent'));
      await sendEvent(h.client, caseId, { type: 'HEAD_CONSENT', actor: { kind: 'citizen', id: FIXTURE_HOUSEHOLD_HEAD.personalId } });
      await waitForCase(h.client, caseId, inState('services.residence.awaitingOfficer'));
      await sendEvent(h.client, caseId, { type: 'APPROVE_RESIDENCE', actor: officers.police });
      expect((await getCaseResult(h.client, caseId)).outcome).toBe('completed');
      await expectWrittenOnce(db, caseId, childName);

      await page.goto('/operator/health');
      await expect.poll(() => page.locator('table', { hasText: 'Task queues' }).innerText()).toMatch(/agency-police/);
      await checkAccessibility(page);
      await shot(page, 'operator-health');
    } finally {
      outage.broken = false;
      await h.stopWorker('vss');
      await h.startWorker('vss');
    }
  }, 300_000);
});

describe('designer', () => {
  it('opens the birth group, selects a state in the diagram and runs its simulation with progress', async () => {
    const page = await stack.newPage();
    await signIn(page, 'designer:ds-01');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/designer');
    await checkAccessibility(page);
    await shot(page, 'designer-catalog');
    await page.getByRole('link', { name: 'birth-group v1' }).click();
    await checkAccessibility(page);
    await page.locator('svg g[data-path="birth.awaitingSupplement"]').click();
    await expect.poll(() => page.url()).toMatch(/state=birth\.awaitingSupplement/);
    await expect.poll(() => page.locator('#state').innerText()).toBe('State birth.awaitingSupplement');
    await expect.poll(() => page.locator('table', { hasText: 'Transitions' }).innerText()).toMatch(/SUPPLEMENT by citizen/);
    await checkAccessibility(page);
    await shot(page, 'designer-procedure');
    await page.getByRole('button', { name: 'Simulate the paths through birth.awaitingSupplement' }).click();
    await expect.poll(() => page.url()).toMatch(/\/designer\/jobs\//);
    await checkAccessibility(page);
    const status = await eventually(
      'the simulation to finish',
      async () => {
        const text = await page.locator('#job-status').innerText();
        if (/^(done|failed)/.test(text)) return text;
        await page.getByRole('link', { name: 'Refresh' }).click();
        return null;
      },
      240_000,
    );
    expect(status).toMatch(/^done: 2 of 2/);
    const rows = page.locator('table', { hasText: 'As predicted' }).locator('tbody tr');
    expect(await rows.count()).toBe(2);
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/\byes$/);
    await checkAccessibility(page);
    await shot(page, 'designer-simulation');
  }, 300_000);
});

describe('supervisor', () => {
  it('the dashboard shows the figures of GET /kpis after a fixture set of cases, with charts from the snapshots and the same CSV', async () => {
    const db = stack.harness.registries.db;
    const now = new Date();
    await insertDashboardCases(db, now);
    for (const d of [1, 2, 3]) await takeKpiSnapshot(db, { day: localDateOf(new Date(now.getTime() - d * 86_400_000)), now });
    const token = await stack.idp.apiToken(parsePrincipalSpec('auditor:au-01'));
    const api = async (q: string) => fetch(`${stack.url}/kpis?${q}`, { headers: { authorization: `Bearer ${token}` } });

    const page = await stack.newPage();
    await signIn(page, 'auditor:au-01');
    await page.goto('/supervisor?period=all&groupBy=agency');
    await checkAccessibility(page);
    await shot(page, 'supervisor-dashboard');
    const expected = ((await (await api('groupBy=agency')).json()) as { rows: Record<string, number | null>[] }).rows;
    expect(expected.length).toBeGreaterThan(0);
    const shown = await page.locator('#kpis tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    expect(shown.map((r) => r[0])).toEqual(expected.map((r) => r.group));
    const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10} %`);
    for (const [i, r] of expected.entries()) {
      expect(shown[i].slice(1, 6)).toEqual([String(r.received), String(r.settled), String(r.settledOnTime), pct(r.onTimeRate), String(r.overdueNow)]);
    }
    expect(await page.locator('svg.kpi-chart').count()).toBe(4);
    expect(await page.locator('main').innerText()).toContain('kpi-c'); // overdue now

    const csv = await page.request.get('/supervisor/kpis.csv?period=all&groupBy=agency');
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect(await csv.text()).toBe(await (await api('groupBy=agency&format=csv')).text());

    // An officer sees their agency's figures only.
    const officer = await stack.newPage();
    await signIn(officer, 'officer:police:ca-07');
    await officer.goto('/supervisor?period=all');
    const policeRow = ((await (await fetch(`${stack.url}/kpis?agency=police`, { headers: { authorization: `Bearer ${await stack.idp.apiToken(parsePrincipalSpec('officer:police:ca-07'))}` } })).json()) as { rows: Record<string, number>[] }).rows[0];
    const officerShown = await officer.locator('#kpis tbody tr td').allInnerTexts();
    expect(officerShown.slice(1, 3)).toEqual([String(policeRow.received), String(policeRow.settled)]);
    expect((await officer.goto('/supervisor?period=all&agency=vss'))!.status()).toBe(403);
  }, 120_000);
});
