/**
 * The operator toolkit against the real devserver, SDK workers and registries (PGlite): each kind of stuck case is
 * created for real, found with the right reason, explained, repaired with the tools, and the case then completes
 * with consistent registry data. Every action is audited with the operator and the reason.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, like } from 'drizzle-orm';
import { bundleWorkflowCode, DefaultLogger, type Worker } from '@temporalio/worker';
import { cryptoRandom } from '../../activities/registries';
import { createPostgresSocialInsurance } from '../../activities/registries/postgres/social-insurance';
import type { SocialInsuranceRegistry } from '../../domain/registries';
import { listAudit } from '../../db/engine/audit-queries';
import { birthRegistrations, healthInsuranceCards, householdMembers, persons } from '../../db/registries/schema';
import { FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER } from '../../db/seed';
import { openDevIdentityProvider, parsePrincipalSpec } from '../../identity/dev-identity-provider';
import { createAgencyWorker } from '../../worker/agency-worker';
import { EventNotAcceptedError, getCaseResult, getCaseSnapshot, sendEvent, signalEvent, startCase } from '../../workflows/case-client';
import { listOperatorActions, ReasonRequiredError } from '../../ops/audit';
import { caseRef, listCases, type OpsDeps } from '../../ops/common';
import { explainCase, formatExplanation } from '../../ops/explain';
import { bulkAction, cancelCase, findResetPoint, resetToState, retryStep, sendEventAs, terminateCase } from '../../ops/repair';
import { exportHistory, replayCases, replayFile } from '../../ops/replay';
import { findStuck, type StuckCase, type StuckOptions } from '../../ops/stuck';
import { runCommand } from '../../ops/main';
import { createOpsRoutes } from '../../ops/routes';
import { birthApplication, inState, officers, startHarness, waitForCase, type Harness } from '../support/harness';
import { newestActiveVersion } from '../procedures/catalog-versions';
import { setTimeout as sleep } from 'node:timers/promises';

const INCOMPATIBLE = fileURLToPath(new URL('./fixtures/incompatible-workflows.ts', import.meta.url));
const operator = { id: 'ops.le.thi.hoa', agency: 'justice' };
const head = { kind: 'citizen' as const, id: FIXTURE_HOUSEHOLD_HEAD.personalId };

let h: Harness;
let deps: OpsDeps;
beforeAll(async () => {
  // Operators' tests run extra workers on queues of their own through the engine's connection: no devserver auth.
  h = await startHarness({ identity: false });
  deps = { client: h.client, db: h.registries.db };
});
afterAll(async () => {
  await h?.close();
});

async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function stuckCase(caseId: string, opts: StuckOptions = {}): Promise<StuckCase | undefined> {
  return (await findStuck(deps, { ...opts, caseIds: [caseId] }))[0];
}

/** Registry data of a completed birth-group case: every write present exactly once. */
async function expectConsistent(caseId: string, childName: string) {
  const db = h.registries.db;
  // The seeded population may hold namesakes: the child is the person this case created, once.
  const people = await db.select().from(persons).where(like(persons.createdByCaseId, `${caseId}#%`));
  expect(people).toHaveLength(1);
  expect(people[0].fullName).toBe(childName);
  const childId = people[0].personalId;
  const births = await db.select().from(birthRegistrations).where(eq(birthRegistrations.caseId, caseId));
  expect(births).toHaveLength(1);
  expect(births[0].childId).toBe(childId);
  const [members] = await db.select({ n: count() }).from(householdMembers).where(eq(householdMembers.personalId, childId));
  expect(members.n).toBe(1);
  const [cards] = await db.select({ n: count() }).from(healthInsuranceCards).where(and(eq(healthInsuranceCards.personalId, childId)));
  expect(cards.n).toBe(1);
  return childId;
}

async function finishResidence(caseId: string) {
  await waitForCase(h.client, caseId, inState('services.residence.awaitingHeadConsent'));
  await sendEvent(h.client, caseId, { type: 'HEAD_CONSENT', actor: head });
  await waitForCase(h.client, caseId, inState('services.residence.awaitingOfficer'));
  await sendEvent(h.client, caseId, { type: 'APPROVE_RESIDENCE', actor: officers.police });
  return getCaseResult(h.client, caseId);
}

describe('ops: stuck cases found, explained and repaired', () => {
  it('a registry that fails: found as a retrying activity with attempts and last error, explained, retried, consistent', async () => {
    const caseId = 'ops-flaky-registry';
    const childName = 'Trần Thị Lan';
    const outage = { broken: true };
    const real = createPostgresSocialInsurance(h.registries.db, cryptoRandom);
    const socialInsurance: SocialInsuranceRegistry = {
      ...real,
      issueHealthInsuranceCard: async (ctx, input) => {
        if (outage.broken) throw new Error('VSS registry unavailable (planned outage)');
        return real.issueHealthInsuranceCard(ctx, input);
      },
    };
    await h.stopWorker('vss');
    let flakyWorker: { worker: Worker; running: Promise<void> } | null = null;
    const w = await createAgencyWorker({
      agency: 'vss',
      connection: h.connection,
      dataConverter: h.dataConverter,
      db: h.registries.db,
      registries: { socialInsurance },
    });
    flakyWorker = { worker: w, running: w.run() };
    try {
      await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(childName) } });
      await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
      await sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });

      const stuck = await eventually('the card activity to retry 3 times', async () => {
        const s = await stuckCase(caseId, { attemptThreshold: 3 });
        return s?.reasons.some((r) => r.kind === 'activityRetrying') ? s : null;
      });
      expect(stuck.procedureId).toBe('birth-group');
      const reason = stuck.reasons.find((r) => r.kind === 'activityRetrying')!;
      expect(reason).toMatchObject({ activityType: 'issueHealthInsuranceCard', agency: 'vss', taskQueue: 'agency-vss' });
      if (reason.kind !== 'activityRetrying') throw new Error('unreachable');
      expect(reason.attempts).toBeGreaterThanOrEqual(3);
      expect(reason.lastError).toMatch(/VSS registry unavailable/);
      // Filters: by agency (reasons concerning it), procedure and version.
      expect(await stuckCase(caseId, { attemptThreshold: 3, agency: 'vss' })).toBeDefined();
      expect(await stuckCase(caseId, { attemptThreshold: 3, agency: 'police' })).toBeUndefined();
      expect(await stuckCase(caseId, { attemptThreshold: 3, procedureId: 'birth-registration' })).toBeUndefined();
      expect(await stuckCase(caseId, { attemptThreshold: 3, procedureId: 'birth-group', procedureVersion: newestActiveVersion('birth-group') })).toBeDefined();
      expect(await stuckCase(caseId, { attemptThreshold: 3, olderThanMs: 3_600_000 })).toBeUndefined();

      // Explain: states, events, registry calls (failed ones too), the retrying step.
      const x = await explainCase(deps, caseId);
      const texts = x.entries.map((e) => `${e.kind} ${e.text}`);
      expect(texts).toContain('state entered birth.awaitingOfficer');
      expect(texts.some((t) => t.startsWith('event') && t.includes('APPROVE_BIRTH'))).toBe(true);
      expect(texts.some((t) => /^registry justice write civilStatus\.registerBirth .*→ ok/.test(t))).toBe(true);
      expect(texts.some((t) => /^registry vss write socialInsurance\.issueHealthInsuranceCard .*→ error/.test(t))).toBe(true);
      expect(texts.some((t) => /^activity registry service issueHealthInsuranceCard scheduled on agency-vss/.test(t))).toBe(true);
      expect(texts.some((t) => /^failure issueHealthInsuranceCard retrying .*VSS registry unavailable/.test(t))).toBe(true);
      expect(x.stuck.map((r) => r.kind)).toContain('activityRetrying');
      expect(formatExplanation(x)).toMatch(`birth-group v${newestActiveVersion('birth-group')}`);

      // Repair: the registry is back; retry the step now.
      outage.broken = false;
      const retried = await retryStep(deps, caseId, { operator, reason: 'VSS registry back after the outage (ticket OPS-42)' }, { allowWorkflowReset: true });
      expect(retried.ok).toBe(true);
      expect(retried.detail.method).toBe('ResetActivity'); // attempt back to 1, dispatched now (no workflow reset needed)
      const result = await finishResidence(caseId);
      expect(result.outcome).toBe('completed');
      const childId = await expectConsistent(caseId, childName);
      expect((result.results as any).healthInsuranceCard.personalId).toBe(childId);

      const actions = await listOperatorActions(h.registries.db, { caseId });
      expect(actions).toEqual([
        expect.objectContaining({ action: 'retry', operator: `operator:${operator.id}`, reason: 'VSS registry back after the outage (ticket OPS-42)', outcome: 'ok' }),
      ]);
      expect(await stuckCase(caseId, { attemptThreshold: 3 })).toBeUndefined();
    } finally {
      outage.broken = false;
      if (flakyWorker) {
        flakyWorker.worker.shutdown();
        await flakyWorker.running;
      }
      await h.startWorker('vss');
    }
  });

  it('a stopped agency worker: found as a task queue nobody polls; once the worker is back the case completes', async () => {
    const caseId = 'ops-no-worker';
    const childName = 'Trần Văn Minh';
    await h.stopWorker('police');
    try {
      await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(childName) } });
      await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
      await sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });
      const stuck = await eventually('the police queue to be found unpolled', async () => {
        const s = await stuckCase(caseId, { notPickedUpMs: 1_000, pollerStaleMs: 8_000 });
        return s?.reasons.some((r) => r.kind === 'noWorker') ? s : null;
      });
      const reason = stuck.reasons.find((r) => r.kind === 'noWorker')!;
      expect(reason).toMatchObject({ kind: 'noWorker', taskQueue: 'agency-police', agency: 'police' });
      if (reason.kind === 'noWorker') expect(reason.evidence).toMatch(/^no (live )?poller/); // from DescribeTaskQueue
      expect(await stuckCase(caseId, { notPickedUpMs: 1_000, pollerStaleMs: 8_000, agency: 'justice' })).toBeUndefined();
      const x = await explainCase(deps, caseId, { notPickedUpMs: 1_000, pollerStaleMs: 8_000 });
      expect(x.stuck.some((r) => r.kind === 'noWorker' && r.taskQueue === 'agency-police')).toBe(true);
    } finally {
      await h.startWorker('police');
    }
    const result = await finishResidence(caseId);
    expect(result.outcome).toBe('completed');
    await expectConsistent(caseId, childName);
    expect(await stuckCase(caseId, { notPickedUpMs: 1_000, pollerStaleMs: 8_000 })).toBeUndefined();
  });

  it('a stopped engine worker: the workflow task waits on the engine queue nobody polls; the engine back, the case moves on', async () => {
    const caseId = 'ops-no-engine';
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication('Trần Thị Yến') } });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    await h.stopWorker('engine');
    try {
      await signalEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });
      const stuck = await eventually('the engine queue to be found unpolled', async () => {
        const s = await stuckCase(caseId, { notPickedUpMs: 1_000, pollerStaleMs: 8_000, queryTimeoutMs: 500 });
        return s?.reasons.some((r) => r.kind === 'noWorker') ? s : null;
      });
      expect(stuck.reasons).toEqual([expect.objectContaining({ kind: 'noWorker', taskQueue: 'engine', agency: null, waiting: 'workflow task' })]);
      const x = await explainCase(deps, caseId, { notPickedUpMs: 1_000, pollerStaleMs: 8_000, queryTimeoutMs: 500 });
      expect(x.current).toBeNull(); // nobody answers the snapshot query
      expect(x.entries.some((e) => e.kind === 'event' && /signal event: APPROVE_BIRTH by officer/.test(e.text))).toBe(true);
    } finally {
      await h.startWorker('engine');
    }
    await waitForCase(h.client, caseId, inState('services.residence.awaitingHeadConsent'));
    expect(await stuckCase(caseId, { notPickedUpMs: 1_000, pollerStaleMs: 8_000 })).toBeUndefined();
    await terminateCase(deps, caseId, { operator, reason: 'end of test' });
  });

  it('a step past its legal deadline: found with the step, due date and who must act; an event sent on their behalf is audited', async () => {
    const caseId = 'ops-late-officer';
    const childName = 'Trần Thị Nga';
    const receivedAt = new Date(Date.now() - 20 * 86_400_000).toISOString();
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(childName) }, receivedAt });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    const stuck = await stuckCase(caseId);
    expect(stuck).toBeDefined();
    const late = stuck!.reasons.filter((r) => r.kind === 'pastDeadline');
    expect(late.map((r) => (r.kind === 'pastDeadline' ? r.step : ''))).toContain('total');
    const birth = late.find((r) => r.kind === 'pastDeadline' && r.step === 'total')!;
    if (birth.kind !== 'pastDeadline') throw new Error('unreachable');
    expect(Date.parse(birth.dueAt)).toBeLessThan(Date.now());
    expect(birth.awaiting.map((a) => a.type)).toContain('APPROVE_BIRTH');
    expect(birth.agency).toBe('justice');
    expect(stuck!.activeStates).toEqual(['birth.awaitingOfficer']);
    expect(await stuckCase(caseId, { agency: 'justice', kinds: ['pastDeadline'] })).toBeDefined();
    expect(await stuckCase(caseId, { kinds: ['activityRetrying'] })).toBeUndefined();

    // A reason and an operator are required; nothing happens without them.
    await expect(sendEventAs(deps, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice }, { operator, reason: ' ' })).rejects.toBeInstanceOf(
      ReasonRequiredError,
    );
    // An action the case refuses fails, and the attempt is audited too.
    await expect(sendEventAs(deps, caseId, { type: 'HEAD_CONSENT', actor: head }, { operator, reason: 'head consented at the counter' })).rejects.toBeInstanceOf(
      EventNotAcceptedError,
    );
    const done = await sendEventAs(deps, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice }, { operator, reason: 'officer on leave; approved by phone, minute 17/2026' });
    expect(done.ok).toBe(true);
    const x = await explainCase(deps, caseId);
    expect(x.entries.some((e) => e.kind === 'deadline' && /step total due .*MISSED/.test(e.text))).toBe(true);
    expect(x.entries.some((e) => e.kind === 'operator' && e.text.includes('sendEvent') && e.text.includes('officer on leave'))).toBe(true);
    const result = await finishResidence(caseId);
    expect(result.outcome).toBe('completed');
    await expectConsistent(caseId, childName);
    const actions = await listOperatorActions(h.registries.db, { caseId });
    expect(actions).toEqual([
      expect.objectContaining({
        action: 'sendEvent',
        outcome: 'error',
        reason: 'head consented at the counter',
        details: expect.objectContaining({ eventType: 'HEAD_CONSENT', error: expect.stringMatching(/not accepted/) }),
      }),
      expect.objectContaining({
        action: 'sendEvent',
        operator: `operator:${operator.id}`,
        outcome: 'ok',
        details: expect.objectContaining({ eventType: 'APPROVE_BIRTH', onBehalfOf: `officer:${officers.justice.id}` }),
      }),
    ]);
  });

  it('an incompatible code change: replay lists the case before deploying; deployed anyway, the workflow task fails and is found; rollback repairs it', async () => {
    const caseId = 'ops-incompatible';
    const childName = 'Trần Văn Sơn';
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(childName) } });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));

    // Before the deployment: replay open cases of the procedure against the candidate and the current code.
    const badBundle = await bundleWorkflowCode({ workflowsPath: INCOMPATIBLE, logger: new DefaultLogger('WARN') });
    const candidate = await replayCases(deps, { procedureId: 'birth-group', caseIds: [caseId] }, { workflowBundle: badBundle });
    expect(candidate.replayed).toBe(1);
    expect(candidate.failures).toEqual([expect.objectContaining({ caseId, nondeterminism: true })]);
    const currentCode = await replayCases(deps, { procedureId: 'birth-group', caseIds: [caseId] }, { workflowBundle: h.workflowBundle });
    expect(currentCode).toEqual({ replayed: 1, failures: [] });
    // Export + replay from the file.
    const dir = mkdtempSync(join(tmpdir(), 'ops-'));
    const file = join(dir, `${caseId}.json`);
    const exported = await exportHistory(deps, caseId, file);
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).caseId).toBe(caseId);
    expect(exported.procedureId).toBe('birth-group');
    expect((await replayFile(file, { workflowBundle: h.workflowBundle, dataConverter: h.dataConverter })).failures).toEqual([]);
    expect((await replayFile(file, { workflowBundle: badBundle, dataConverter: h.dataConverter })).failures).toHaveLength(1);

    // Deployed anyway: the next workflow task fails with a nondeterminism error.
    await h.stopWorker('engine');
    const bad = await createAgencyWorker({
      agency: 'engine',
      connection: h.connection,
      dataConverter: h.dataConverter,
      db: h.registries.db, // the engine worker writes the case read model
      workflowBundle: badBundle,
    });
    const badRunning = bad.run();
    try {
      await signalEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });
      const stuck = await eventually('the workflow task to fail', async () => {
        const s = await stuckCase(caseId, { queryTimeoutMs: 1_000 });
        return s?.reasons.some((r) => r.kind === 'workflowTaskFailing') ? s : null;
      });
      const reason = stuck.reasons.find((r) => r.kind === 'workflowTaskFailing')!;
      if (reason.kind !== 'workflowTaskFailing') throw new Error('unreachable');
      expect(reason.attempt).toBeGreaterThanOrEqual(2);
      expect(`${reason.cause} ${reason.message}`).toMatch(/NON_DETERMINISTIC|nondetermin/i);
      const x = await explainCase(deps, caseId, { queryTimeoutMs: 1_000 });
      expect(x.entries.some((e) => e.kind === 'failure' && /workflow task failed/.test(e.text))).toBe(true);
    } finally {
      bad.shutdown();
      await badRunning;
      await h.startWorker('engine'); // rollback
    }
    const result = await finishResidence(caseId);
    expect(result.outcome).toBe('completed');
    await expectConsistent(caseId, childName);
  });

  it('an incompatible change kept: the failing cases are bulk-reset to the start and run on the new code; nothing written twice', async () => {
    const caseId = 'ops-incompatible-kept';
    const childName = 'Trần Thị Xuân';
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(childName) } });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    const newCode = await bundleWorkflowCode({ workflowsPath: INCOMPATIBLE, logger: new DefaultLogger('WARN') });
    await h.stopWorker('engine');
    const w = await createAgencyWorker({
      agency: 'engine',
      connection: h.connection,
      dataConverter: h.dataConverter,
      db: h.registries.db, // the engine worker writes the case read model
      workflowBundle: newCode,
    });
    const running = w.run();
    try {
      await signalEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });
      await eventually('the workflow task to fail', async () => (await stuckCase(caseId, { queryTimeoutMs: 500, kinds: ['workflowTaskFailing'] })) ?? null);
      const ctx = { operator, reason: 'runner v2 deployed; cases started before it restart on v2 (change OPS-77)' };
      const filter = { caseIds: [caseId], kinds: ['workflowTaskFailing' as const], queryTimeoutMs: 500 };
      const dry = await bulkAction(deps, ctx, { action: { kind: 'reset', state: 'start' }, filter, stuckOnly: true, dryRun: true });
      expect(dry.targets.map((t) => t.caseId)).toEqual([caseId]);
      expect(await listOperatorActions(h.registries.db, { caseId })).toEqual([]);
      const real = await bulkAction(deps, ctx, { action: { kind: 'reset', state: 'start' }, filter, stuckOnly: true });
      expect(real.failures).toEqual([]);
      expect(real.results[0].detail.newRunId).toBeTruthy();
      // The new run runs on the new code from its first task: the chart reaches the officer again.
      const again = await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
      expect(again.history).toEqual([]);
      expect(await stuckCase(caseId, { queryTimeoutMs: 1_000 })).toBeUndefined();
      await sendEventAs(deps, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice }, { operator, reason: 'the approval given before the reset, re-sent' });
      const result = await finishResidence(caseId);
      expect(result.outcome).toBe('completed');
      await expectConsistent(caseId, childName);
      expect((await listOperatorActions(h.registries.db, { caseId })).map((a) => [a.action, a.details.toState ?? a.details.eventType])).toEqual([
        ['reset', 'start'],
        ['sendEvent', 'APPROVE_BIRTH'],
      ]);
    } finally {
      w.shutdown();
      await running;
      await h.startWorker('engine');
    }
  });

  it('reset points: a statechart state maps to the workflow task in which the chart entered it', async () => {
    const caseId = 'ops-reset-point';
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication('Trần Văn Điểm') } });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    await sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });
    const snap = await waitForCase(h.client, caseId, inState('services.residence.awaitingHeadConsent'));
    const ref = await caseRef(deps, caseId);
    const events = (await h.client.workflow.getHandle(ref.workflowId).fetchHistory()).events ?? [];
    const byId = new Map(events.map((e) => [Number(e.eventId), e]));
    for (const state of ['birth.awaitingOfficer', 'services.residence.awaitingHeadConsent']) {
      const p = await findResetPoint(deps, ref, state);
      expect(p.exact).toBe(true);
      expect(p.enteredAt).toBe(snap.timeline.find((t) => t.state === state)!.enteredAt);
      expect(byId.get(p.workflowTaskCompletedEventId)?.workflowTaskCompletedEventAttributes).toBeTruthy();
    }
    const a = await findResetPoint(deps, ref, 'birth.awaitingOfficer');
    const b = await findResetPoint(deps, ref, 'services.residence.awaitingHeadConsent');
    expect(b.workflowTaskCompletedEventId).toBeGreaterThan(a.workflowTaskCompletedEventId);
    // The approval (an update) was accepted between the two points.
    const approval = events.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(Number(approval?.eventId)).toBeGreaterThan(a.workflowTaskCompletedEventId);
    expect(Number(approval?.eventId)).toBeLessThan(b.workflowTaskCompletedEventId);
    expect((await findResetPoint(deps, ref, 'start')).workflowTaskCompletedEventId).toBe(Number(events.find((e) => e.workflowTaskCompletedEventAttributes)?.eventId));
    expect((await findResetPoint(deps, ref, 'services')).state).toMatch(/^services\./);
    await expect(findResetPoint(deps, ref, 'birth.awaitingSupplement')).rejects.toThrow(/never in state/);
    await terminateCase(deps, caseId, { operator, reason: 'end of test' });
  });

  it('reset to a named statechart state replays from there on current code; registry writes are not repeated', async () => {
    const caseId = 'ops-reset';
    const childName = 'Trần Thị Quyên';
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(childName) } });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    await sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });
    await waitForCase(h.client, caseId, inState('services.residence.awaitingHeadConsent'));
    // The card is issued in parallel; the household head consents once it is.
    await eventually('the insurance card', async () => (await h.registries.db.select().from(healthInsuranceCards).where(like(healthInsuranceCards.issuedByCaseId, `${caseId}%`)))[0]);
    await sendEvent(h.client, caseId, { type: 'HEAD_CONSENT', actor: head });
    const before = await waitForCase(h.client, caseId, inState('services.residence.awaitingOfficer'));
    const childBefore = (before.context as any).childPersonalId ?? null;

    // A reset to before the birth was registered would leave the certificate, the personal ID and the card behind:
    // the dry run lists them and changes nothing; the reset itself is refused (and the refusal audited).
    const historyLength = (await h.client.workflow.getHandle(`case-${caseId}`).describe()).historyLength;
    const dry = await resetToState(deps, caseId, 'birth.awaitingOfficer', { operator, reason: 'redo the birth step' }, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, ok: false, detail: { refused: 'RESET_WOULD_ORPHAN_DOCUMENTS' } });
    expect((dry.detail.documents as { kind: string }[]).map((d) => d.kind).sort()).toEqual(['birthCertificate', 'healthInsuranceCard', 'personalIdNumber']);
    expect(await listOperatorActions(h.registries.db, { caseId })).toEqual([]);
    await expect(resetToState(deps, caseId, 'birth.awaitingOfficer', { operator, reason: 'redo the birth step' })).rejects.toMatchObject({
      code: 'RESET_WOULD_ORPHAN_DOCUMENTS',
      documents: expect.arrayContaining([expect.objectContaining({ kind: 'birthCertificate', issuer: 'justice' })]),
    });
    expect((await h.client.workflow.getHandle(`case-${caseId}`).describe()).historyLength).toBe(historyLength);
    expect((await getCaseSnapshot(h.client, caseId)).activeStates).toContain('services.residence.awaitingOfficer');

    // A reset to a point after which the case issued nothing goes ahead.
    const planned = await resetToState(deps, caseId, 'services.residence.awaitingOfficer', { operator, reason: 'police approval to be redone' }, { dryRun: true });
    expect(planned).toMatchObject({ dryRun: true, ok: true, detail: { state: 'services.residence.awaitingOfficer' } });
    const reset = await resetToState(deps, caseId, 'services.residence.awaitingOfficer', { operator, reason: 'police approval to be redone' });
    expect(reset.ok).toBe(true);
    expect(reset.detail.newRunId).toBeTruthy();
    // The task that entered the state is re-run without the update that led there (events are not reapplied).
    const again = await waitForCase(h.client, caseId, inState('services.residence.awaitingHeadConsent'));
    expect(again.history.map((e) => e.type)).toEqual(['APPROVE_BIRTH']);
    await sendEvent(h.client, caseId, { type: 'HEAD_CONSENT', actor: head });
    await waitForCase(h.client, caseId, inState('services.residence.awaitingOfficer'));
    await sendEventAs(deps, caseId, { type: 'APPROVE_RESIDENCE', actor: officers.police }, { operator, reason: 're-approval after reset (officer present)' });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    const childId = await expectConsistent(caseId, childName);
    if (childBefore) expect(childId).toBe(childBefore);
    const actions = await listOperatorActions(h.registries.db, { caseId });
    expect(actions.map((a) => [a.action, a.outcome])).toEqual([['reset', 'error'], ['reset', 'ok'], ['sendEvent', 'ok']]);
    expect(actions[1].details.toState).toBe('services.residence.awaitingOfficer');
  });

  it('bulk terminate by query: the dry run lists and touches nothing; the real run is throttled and audited; cancel and terminate', async () => {
    const old = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const ids = ['ops-bulk-1', 'ops-bulk-2'];
    for (const [i, caseId] of ids.entries()) {
      await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(`Lê Văn Bulk${i}`) }, receivedAt: old });
      await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    }
    const filter = { procedureId: 'birth-group', query: `WorkflowId STARTS_WITH 'case-ops-bulk-'`, kinds: ['pastDeadline' as const] };
    const historyLengths = async () => Promise.all(ids.map(async (id) => (await h.client.workflow.getHandle(`case-${id}`).describe()).historyLength));
    const lengthsBefore = await historyLengths();
    const auditBefore = (await listAudit(h.registries.db, { limit: 10_000 })).length;

    const dry = await bulkAction(deps, { operator, reason: 'test dossiers created by mistake' }, { action: { kind: 'terminate' }, filter, stuckOnly: true, dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.targets.map((t) => t.caseId).sort()).toEqual(ids);
    expect(dry.targets.every((t) => t.reasons?.some((r) => r.kind === 'pastDeadline'))).toBe(true);
    expect(dry.results).toEqual([]);
    expect(await historyLengths()).toEqual(lengthsBefore);
    expect((await listAudit(h.registries.db, { limit: 10_000 })).length).toBe(auditBefore);
    expect((await listCases(deps, { query: filter.query })).map((c) => c.status)).toEqual(['RUNNING', 'RUNNING']);

    await expect(bulkAction(deps, { operator, reason: '' }, { action: { kind: 'terminate' }, filter })).rejects.toBeInstanceOf(ReasonRequiredError);
    const t0 = Date.now();
    const real = await bulkAction(deps, { operator, reason: 'test dossiers created by mistake' }, { action: { kind: 'terminate' }, filter, stuckOnly: true, ratePerSecond: 4 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240); // throttled: 2 actions at 4/s
    expect(real.failures).toEqual([]);
    expect(real.results.map((r) => r.caseId).sort()).toEqual(ids);
    for (const id of ids) {
      expect((await h.client.workflow.getHandle(`case-${id}`).describe()).status.name).toBe('TERMINATED');
      const [a] = await listOperatorActions(h.registries.db, { caseId: id });
      expect(a).toMatchObject({ action: 'terminate', operator: `operator:${operator.id}`, outcome: 'ok' });
      expect(a.reason).toMatch(/^test dossiers created by mistake \(bulk terminate \d\/2\)$/);
    }
    // Nothing was written to the registries for these cases.
    for (const id of ids) expect((await listAudit(h.registries.db, { caseId: id })).filter((r) => r.kind === 'write' && r.registry !== ('operator' as never))).toEqual([]);

    // Single cancel and terminate.
    await startCase(h.client, { caseId: 'ops-cancel', procedureId: 'birth-group', input: { application: birthApplication('Lê Thị Huỷ') } });
    await waitForCase(h.client, 'ops-cancel', inState('birth.awaitingOfficer'));
    await cancelCase(deps, 'ops-cancel', { operator, reason: 'applicant withdrew the dossier' });
    await eventually('the case to be cancelled', async () => (await h.client.workflow.getHandle('case-ops-cancel').describe()).status.name === 'CANCELLED');
    await startCase(h.client, { caseId: 'ops-terminate', procedureId: 'birth-group', input: { application: birthApplication('Lê Thị Dừng') } });
    await waitForCase(h.client, 'ops-terminate', inState('birth.awaitingOfficer'));
    await expect(terminateCase(deps, 'ops-terminate', { operator: { id: '' }, reason: 'x' })).rejects.toThrow(/operator identity/);
    await terminateCase(deps, 'ops-terminate', { operator, reason: 'duplicate of case ops-cancel' });
    expect((await h.client.workflow.getHandle('case-ops-terminate').describe()).status.name).toBe('TERMINATED');
    expect((await listOperatorActions(h.registries.db, { caseId: 'ops-cancel' })).map((a) => a.action)).toEqual(['cancel']);
    expect((await listOperatorActions(h.registries.db, { caseId: 'ops-terminate' })).map((a) => [a.action, a.reason])).toEqual([
      ['terminate', 'duplicate of case ops-cancel'],
    ]);
  });
});

describe('ops CLI and read-only routes', () => {
  const capture = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => lines.push(a.map(String).join(' '));
    try {
      const code = await runCommand(deps, argv, env);
      return { code, out: lines.join('\n') };
    } finally {
      console.log = log;
    }
  };

  it('stuck, explain, a bulk dry run, an action that needs a reason, the audit trail; GET /ops/stuck and explain', async () => {
    // The operator is who the verified token names (npm run token -- --as operator:ops.cli), never a plain string.
    const identityDir = mkdtempSync(join(tmpdir(), 'ops-idp-'));
    const idp = await openDevIdentityProvider({ dir: identityDir });
    const asOperator = { OPS_TOKEN: await idp.apiToken(parsePrincipalSpec('operator:ops.cli')), IDENTITY_DIR: identityDir };
    const caseId = 'ops-cli-late';
    await startCase(h.client, {
      caseId,
      procedureId: 'birth-group',
      input: { application: birthApplication('Phạm Văn Cli') },
      receivedAt: new Date(Date.now() - 15 * 86_400_000).toISOString(),
    });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));

    const stuck = await capture(['stuck', '--procedure', 'birth-group', '--kind', 'pastDeadline', '--query', `WorkflowId = 'case-${caseId}'`]);
    expect(stuck.code).toBe(2);
    expect(stuck.out).toMatch(new RegExp(`${caseId}\\s+birth-group v${newestActiveVersion('birth-group')}\\b`));
    expect(stuck.out).toMatch(/step total past its legal deadline .* awaiting APPROVE_BIRTH by officer@justice/);
    const json = JSON.parse((await capture(['stuck', '--json', '--agency', 'justice', '--query', `WorkflowId = 'case-${caseId}'`])).out);
    expect(json).toEqual([expect.objectContaining({ caseId, reasons: expect.arrayContaining([expect.objectContaining({ kind: 'pastDeadline' })]) })]);

    const explained = await capture(['explain', caseId]);
    expect(explained.out).toMatch(/now: in_progress in birth\.awaitingOfficer; accepts .*APPROVE_BIRTH/);
    expect(explained.out).toMatch(/state\s+entered birth\.awaitingOfficer/);
    expect(explained.out).toMatch(/registry justice read population\.getPerson/);

    const dry = await capture(['bulk', 'terminate', '--stuck', '--dry-run', '--query', `WorkflowId = 'case-${caseId}'`, '--reason', 'clean-up'], asOperator);
    expect(dry.out).toMatch(new RegExp(`DRY RUN: would terminate 1 case\\(s\\):\\n\\s+${caseId}`));
    expect((await h.client.workflow.getHandle(`case-${caseId}`).describe()).status.name).toBe('RUNNING');

    await expect(capture(['terminate', caseId], asOperator)).rejects.toBeInstanceOf(ReasonRequiredError);
    const event = JSON.stringify({ type: 'REFUSE_BIRTH', actor: officers.justice, reason: 'the medical birth notice is forged' });
    const sent = await capture(['send', caseId, '--event', event, '--reason', 'officer instruction by e-mail 2026-11-22'], asOperator);
    expect(sent.code).toBe(0);
    expect((await getCaseResult(h.client, caseId)).outcome).toBe('refused');
    // No token, or a token without the operator role: nothing is done.
    await expect(capture(['send', caseId, '--event', event, '--reason', 'x'], { IDENTITY_DIR: identityDir })).rejects.toMatchObject({ code: 'TOKEN_REQUIRED' });
    const citizenToken = await idp.apiToken(parsePrincipalSpec(`citizen:${FIXTURE_MOTHER.personalId}`));
    await expect(capture(['terminate', caseId, '--reason', 'x'], { OPS_TOKEN: citizenToken, IDENTITY_DIR: identityDir })).rejects.toMatchObject({ code: 'ROLE_REQUIRED' });
    await expect(capture(['terminate', caseId, '--reason', 'x', '--token', `${asOperator.OPS_TOKEN}x`], { IDENTITY_DIR: identityDir })).rejects.toMatchObject({ code: 'TOKEN_INVALID_SIGNATURE' });
    const audit = await capture(['audit', caseId]);
    expect(audit.out).toMatch(/operator:ops\.cli\s+sendEvent \(ok\): officer instruction by e-mail 2026-11-22/);

    // Read-only routes (mounted by the API under /ops).
    const app = createOpsRoutes(deps);
    await startCase(h.client, {
      caseId: 'ops-route-late',
      procedureId: 'birth-group',
      input: { application: birthApplication('Phạm Thị Route') },
      receivedAt: new Date(Date.now() - 15 * 86_400_000).toISOString(),
    });
    await waitForCase(h.client, 'ops-route-late', inState('birth.awaitingOfficer'));
    const res = await app.request(`/stuck?procedure=birth-group&kind=pastDeadline&query=${encodeURIComponent("WorkflowId = 'case-ops-route-late'")}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { count: number; cases: { caseId: string }[] };
    expect(body.cases.map((c) => c.caseId)).toEqual(['ops-route-late']);
    const ex = await app.request('/cases/ops-route-late/explain');
    expect(((await ex.json()) as { current: { activeStates: string[] } }).current.activeStates).toEqual(['birth.awaitingOfficer']);
    expect((await app.request('/cases/no-such-case/explain')).status).toBe(404);

    // Replay all open cases of the procedure before a deployment: the current code, then an incompatible candidate.
    const ok = await capture(['replay', '--procedure', 'birth-group']);
    expect(ok.out).toMatch(/replayed [1-9]\d* case\(s\); 0 would fail/);
    expect(ok.code).toBe(0);
    const bad = await capture(['replay', '--procedure', 'birth-group', '--workflows', INCOMPATIBLE]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/replayed ([1-9]\d*) case\(s\); \1 would fail/);
    expect(bad.out).toMatch(/\[nondeterminism\]/);
  });

  it('every action has a dry run that touches nothing; unknown options are errors; `--` and ids starting with "-"', async () => {
    const caseId = '-dash-case';
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication('Phạm Văn Gạch') } });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    const identityDir = mkdtempSync(join(tmpdir(), 'ops-idp-'));
    const idp = await openDevIdentityProvider({ dir: identityDir });
    const env = { OPS_TOKEN: await idp.apiToken(parsePrincipalSpec('operator:ops.cli')), IDENTITY_DIR: identityDir };
    const historyLength = async () => (await h.client.workflow.getHandle(`case-${caseId}`).describe()).historyLength;
    const auditRows = async () => (await listAudit(h.registries.db, { limit: 100_000 })).length;
    const lengthBefore = await historyLength();
    const auditBefore = await auditRows();
    const approve = JSON.stringify({ type: 'APPROVE_BIRTH', actor: officers.justice });
    const dryRuns: [string[], RegExp][] = [
      [['reset', caseId, '--to', 'start', '--dry-run', '--reason', 'r'], /DRY RUN \(nothing changed\): would reset case -dash-case/],
      [['cancel', caseId, '--dry-run', '--reason', 'r'], /would cancel case -dash-case/],
      [['terminate', '--dry-run', '--reason', 'r', '--', caseId], /would terminate case -dash-case/],
      [['send', caseId, '--event', approve, '--dry-run', '--reason', 'r'], /would sendEvent case -dash-case: .*"acceptedNow":true/],
    ];
    for (const [argv, expected] of dryRuns) {
      const r = await capture(argv, env);
      expect(r.out).toMatch(expected);
      expect(r.code).toBe(0);
    }
    // No pending step to retry: the dry run says so, as the real action would.
    await expect(capture(['retry', caseId, '--dry-run', '--reason', 'r'], env)).rejects.toMatchObject({ code: 'NOTHING_TO_RETRY' });
    const bulk = await capture(['bulk', 'cancel', '--dry-run', '--query', `WorkflowId = 'case-${caseId}'`, '--reason', 'r'], env);
    expect(bulk.out).toMatch(/DRY RUN: would cancel 1 case\(s\):\n\s+-dash-case/);
    expect(await historyLength()).toBe(lengthBefore);
    expect(await auditRows()).toBe(auditBefore);
    expect((await h.client.workflow.getHandle(`case-${caseId}`).describe()).status.name).toBe('RUNNING');

    // Options a command does not take, and options nobody takes, are errors (nothing runs).
    await expect(capture(['cancel', caseId, '--to', 'start', '--reason', 'r'], env)).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
    await expect(capture(['explain', caseId, '--dry-run'], env)).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
    await expect(capture(['terminate', caseId, '--force', '--reason', 'r'], env)).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
    await expect(capture(['terminate', caseId, 'another-case', '--reason', 'r'], env)).rejects.toMatchObject({ code: 'USAGE' });
    expect((await h.client.workflow.getHandle(`case-${caseId}`).describe()).status.name).toBe('RUNNING');

    // The id starting with "-" is a case id, with or without `--`.
    expect((await capture(['explain', caseId])).out).toMatch(/now: in_progress in birth\.awaitingOfficer/);
    const done = await capture(['terminate', '--reason', 'test over', '--', caseId], env);
    expect(done.code).toBe(0);
    expect((await h.client.workflow.getHandle(`case-${caseId}`).describe()).status.name).toBe('TERMINATED');
    expect((await listOperatorActions(h.registries.db, { caseId })).map((a) => a.action)).toEqual(['terminate']);
  });
});
