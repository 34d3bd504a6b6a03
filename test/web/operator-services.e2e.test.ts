/**
 * The operator console's services against the real devserver, SDK workers and registries: a case stuck on a failing
 * registry is listed with its reason and counted, its timeline read, a bulk retry and a reset planned by dry runs that
 * write nothing, then reset to a named state for real (audited with the operator), and it completes with every
 * registry write present once. System health reports the queues, their pollers and the dependencies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, like } from 'drizzle-orm';
import type { Worker } from '@temporalio/worker';
import { cryptoRandom } from '../../activities/registries';
import { createPostgresSocialInsurance } from '../../activities/registries/postgres/social-insurance';
import type { SocialInsuranceRegistry } from '../../domain/registries';
import { listAudit } from '../../db/engine/audit-queries';
import { birthRegistrations, healthInsuranceCards, householdMembers, persons } from '../../db/registries/schema';
import { FIXTURE_HOUSEHOLD_HEAD } from '../../db/seed';
import { createAgencyWorker } from '../../worker/agency-worker';
import { getCaseResult, sendEvent, startCase } from '../../workflows/case-client';
import { listOperatorActions } from '../../ops/audit';
import type { OpsDeps } from '../../ops/common';
import { listStuck } from '../../web/operator/stuck-list';
import { operatorCaseView } from '../../web/operator/case-view';
import { runBulkAction, runCaseAction } from '../../web/operator/actions';
import { ConsoleInputError } from '../../web/operator/console-input';
import { resetPlan } from '../../web/operator/reset-plan';
import { systemHealth } from '../../web/operator/health';
import { birthApplication, inState, officers, startHarness, waitForCase, type Harness } from '../support/harness';
import { setTimeout as sleep } from 'node:timers/promises';

const operator = { id: 'op-web-01' };
const head = { kind: 'citizen' as const, id: FIXTURE_HOUSEHOLD_HEAD.personalId };
let h: Harness;
let deps: OpsDeps;

beforeAll(async () => {
  h = await startHarness({ identity: false });
  deps = { client: h.client, db: h.registries.db };
});
afterAll(async () => {
  await h?.close();
});

async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

describe('operator console services', () => {
  it('a case stuck on a failing registry: listed, counted, explained, bulk retry and reset planned by dry runs, reset to a named state, completed once', async () => {
    const caseId = 'web-ops-flaky';
    const childName = 'Đỗ Thị Web';
    const outage = { broken: true };
    const real = createPostgresSocialInsurance(h.registries.db, cryptoRandom);
    const socialInsurance: SocialInsuranceRegistry = {
      ...real,
      issueHealthInsuranceCard: async (ctx, input) => {
        if (outage.broken) throw new Error('VSS registry unavailable (injected fault)');
        return real.issueHealthInsuranceCard(ctx, input);
      },
    };
    await h.stopWorker('vss');
    const w: Worker = await createAgencyWorker({ agency: 'vss', connection: h.connection, db: h.registries.db, dataConverter: h.dataConverter, registries: { socialInsurance } });
    const running = w.run();
    try {
      await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(childName) } });
      await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
      await sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });

      const page = await eventually('the card to retry', async () => {
        const p = await listStuck(deps, { kind: 'activityRetrying' });
        return p.items.some((c) => c.caseId === caseId) ? p : null;
      });
      expect(page.counts.activityRetrying).toBeGreaterThanOrEqual(1);
      const item = page.items.find((c) => c.caseId === caseId)!;
      expect(item.reasons.find((r) => r.kind === 'activityRetrying')).toMatchObject({ activityType: 'issueHealthInsuranceCard', agency: 'vss' });
      expect((await listStuck(deps, { kind: 'noWorker' })).items.some((c) => c.caseId === caseId)).toBe(false);
      expect((await listStuck(deps, { kind: 'activityRetrying', agency: 'police' })).items.some((c) => c.caseId === caseId)).toBe(false);
      expect((await listStuck(deps, { kind: 'activityRetrying', age: '1d' })).items.some((c) => c.caseId === caseId)).toBe(false);

      const view = await operatorCaseView(deps, caseId);
      expect(view.timeline.some((e) => e.kind === 'registry' && /socialInsurance\.issueHealthInsuranceCard .*→ error/.test(e.text))).toBe(true);
      expect(view.timeline.some((e) => e.kind === 'state' && e.text === 'entered services.insurance.issuing')).toBe(true);
      expect(view.history[0]).toMatchObject({ eventId: 1, type: 'WORKFLOW_EXECUTION_STARTED' });
      expect(view.resetTargets).toEqual(expect.arrayContaining(['birth.awaitingOfficer', 'services.insurance.issuing', 'start']));

      // No reason: refused before anything runs.
      await expect(runCaseAction(deps, operator, { action: 'reset', caseId, reason: '  ', dryRun: true, toState: 'services.insurance.issuing' })).rejects.toBeInstanceOf(ConsoleInputError);

      // Dry runs write nothing: no RPC that writes (history length), no audit row.
      const lengthBefore = (await h.client.workflow.getHandle(`case-${caseId}`).describe()).historyLength;
      const auditBefore = (await listAudit(h.registries.db, { caseId, limit: 10_000 })).length;
      const bulk = await runBulkAction(deps, operator, { action: 'retry', reason: 'VSS back', dryRun: true, kind: 'activityRetrying', stuckOnly: true });
      expect(bulk.error).toBeUndefined();
      expect(bulk.result!.dryRun).toBe(true);
      expect(bulk.result!.targets.map((t) => t.caseId)).toContain(caseId);
      expect(bulk.result!.plans.find((p) => p.caseId === caseId)).toMatchObject({ ok: true, dryRun: true, action: 'retry' });
      const dry = await runCaseAction(deps, operator, { action: 'reset', caseId, reason: 'card to be issued again', dryRun: true, toState: 'services.insurance.issuing' });
      expect(dry.exitCode).toBe(0);
      expect(dry.result).toMatchObject({ ok: true, dryRun: true, detail: { state: 'services.insurance.issuing' } });
      const plan = await resetPlan(deps, caseId, Number(dry.result!.detail.resetEventId));
      expect(plan.runAgain.map((s) => s.service)).toContain('issueHealthInsuranceCard');
      expect(plan.runAgain.find((s) => s.service === 'issueHealthInsuranceCard')?.completedBefore).toBe(false);
      expect((await h.client.workflow.getHandle(`case-${caseId}`).describe()).historyLength).toBe(lengthBefore);
      expect((await listAudit(h.registries.db, { caseId, limit: 10_000 })).length).toBe(auditBefore);
      expect(await listOperatorActions(h.registries.db, { caseId })).toEqual([]);

      // The registry is back: the reset runs for real, audited with the operator and the reason.
      outage.broken = false;
      const done = await runCaseAction(deps, operator, { action: 'reset', caseId, reason: 'card to be issued again', dryRun: false, toState: 'services.insurance.issuing' });
      expect(done.error).toBeUndefined();
      expect(done.result).toMatchObject({ ok: true, action: 'reset' });
      expect(done.result!.detail.newRunId).toBeTruthy();
      const actions = await listOperatorActions(h.registries.db, { caseId });
      expect(actions).toEqual([expect.objectContaining({ action: 'reset', operator: `operator:${operator.id}`, reason: 'card to be issued again', outcome: 'ok' })]);

      await waitForCase(h.client, caseId, inState('services.residence.awaitingHeadConsent'));
      await sendEvent(h.client, caseId, { type: 'HEAD_CONSENT', actor: head });
      await waitForCase(h.client, caseId, inState('services.residence.awaitingOfficer'));
      await sendEvent(h.client, caseId, { type: 'APPROVE_RESIDENCE', actor: officers.police });
      expect((await getCaseResult(h.client, caseId)).outcome).toBe('completed');

      // Nothing written twice.
      const db = h.registries.db;
      const people = await db.select().from(persons).where(like(persons.createdByCaseId, `${caseId}#%`));
      expect(people).toHaveLength(1);
      const childId = people[0].personalId;
      expect(await db.select().from(birthRegistrations).where(eq(birthRegistrations.caseId, caseId))).toHaveLength(1);
      expect((await db.select({ n: count() }).from(householdMembers).where(eq(householdMembers.personalId, childId)))[0].n).toBe(1);
      expect((await db.select({ n: count() }).from(healthInsuranceCards).where(and(eq(healthInsuranceCards.personalId, childId))))[0].n).toBe(1);
    } finally {
      outage.broken = false;
      w.shutdown();
      await running;
      await h.startWorker('vss');
    }
  });

  it('system health: every queue with its pollers and backlog, workers by agency, Temporal and the database up', async () => {
    const health = await systemHealth(deps);
    const engine = health.queues.find((q) => q.queue === 'engine')!;
    expect(engine).toMatchObject({ type: 'workflow', agency: null });
    expect(engine.livePollers).toBeGreaterThan(0);
    expect(engine.backlog).not.toBeNull();
    const police = health.queues.find((q) => q.queue === 'agency-police')!;
    expect(police.livePollers).toBeGreaterThan(0);
    const tax = health.queues.find((q) => q.queue === 'agency-tax')!;
    expect(tax.livePollers).toBe(0); // the harness runs no tax worker
    expect(health.workersByAgency.find((w) => w.agency === 'police')!.workers.length).toBeGreaterThan(0);
    expect(health.workersByAgency.find((w) => w.agency === 'tax')!.workers).toEqual([]);
    expect(health.temporal.ok).toBe(true);
    expect(health.database.ok).toBe(true);
    expect(health.schedules.error).toBeUndefined();
  });
});
