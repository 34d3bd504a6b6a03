/**
 * Continue-as-new on the real SDK worker and the devserver: a low event threshold (an option of the case) forces
 * long cases to continue as new; the timeline, history, verification flag and pending chart delays carry over, and
 * the outcome is the one the case would have reached in one run.
 */
import { decodeHistoryPayload } from '../../worker/codec/data-converter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_SINGLE_HEAD } from '../../db/seed';
import { caseWorkflowId, getCaseResult, getCaseSnapshot, sendEvent, startCase } from '../../workflows/case-client';
import type { RunProcedureInput } from '../../workflows/definitions';
import { birthApplication, inState, officers, startHarness, waitForCase, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The runs of a case, newest first, with the input each started with. */
async function runsOf(caseId: string): Promise<{ runId: string; input: RunProcedureInput; continuedFrom: string | null }[]> {
  const runs: { runId: string; input: RunProcedureInput; continuedFrom: string | null }[] = [];
  let runId: string | undefined;
  for (;;) {
    const handle = h.client.workflow.getHandle(caseWorkflowId(caseId), runId);
    const history = await handle.fetchHistory();
    const started = history.events![0].workflowExecutionStartedEventAttributes!;
    // Histories hold encrypted payloads: decoded with the client's codec first.
    const input = (await decodeHistoryPayload<RunProcedureInput>(h.client.options.loadedDataConverter, started.input!.payloads![0]))!;
    const continuedFrom = started.continuedExecutionRunId || null;
    runs.push({ runId: runId ?? (await handle.describe()).runId, input, continuedFrom });
    if (!continuedFrom) return runs;
    runId = continuedFrom;
  }
}

describe('continue-as-new', () => {
  it('a case with many events continues as new and keeps its timeline, history and outcome', async () => {
    const caseId = 'can-judicial';
    await startCase(h.client, {
      caseId,
      procedureId: 'judicial-record-certificate',
      input: { application: { applicant: { personalId: FIXTURE_SINGLE_HEAD.personalId }, certificateType: '1', purposeOfRequest: 'employment' } },
      options: { continueAsNewAfterEvents: 30 },
    });
    await waitForCase(h.client, caseId, inState('awaitingOfficer'));
    const verifications = 8;
    for (let i = 0; i < verifications; i++) {
      await sendEvent(h.client, caseId, { type: 'REQUIRE_VERIFICATION', actor: officers.police, note: `check ${i}` });
    }
    await sendEvent(h.client, caseId, { type: 'APPROVE_CERTIFICATE', actor: officers.police });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    expect((result.results as any).certificate).toMatchObject({ personalId: FIXTURE_SINGLE_HEAD.personalId, certificateType: '1' });
    // The verification flag set in an earlier run still gives the longer deadline.
    expect(result.steps.find((s) => s.step === 'total')).toMatchObject({ workingDays: 15, verificationNeeded: true });

    const runs = await runsOf(caseId);
    expect(runs.length).toBeGreaterThan(1);
    expect(runs[0].input.resume).toBeDefined();
    expect(runs[runs.length - 1].input.resume).toBeUndefined();

    // The timeline and the accepted events of every run, in order, in the last run's snapshot.
    const snap = await getCaseSnapshot(h.client, caseId);
    expect(snap.timeline.map((t) => t.state)).toEqual(['checking', 'awaitingOfficer', 'issuing', 'issued']);
    expect(snap.timeline.every((t, i) => i === snap.timeline.length - 1 || t.leftAt !== null)).toBe(true);
    expect(snap.history.map((e) => e.type)).toEqual([...Array(verifications).fill('REQUIRE_VERIFICATION'), 'APPROVE_CERTIFICATE']);
    expect(snap.history.every((e) => e.actor === `officer:${officers.police.id}`)).toBe(true);
    expect(snap.status).toBe('closed');
  });

  it('a chart delay pending when the case continues as new still fires in the next run', async () => {
    const birthCase = 'can-birth';
    await startCase(h.client, { caseId: birthCase, procedureId: 'birth-registration', input: { application: birthApplication('Trần Thị Mai') } });
    await waitForCase(h.client, birthCase, inState('birth.awaitingOfficer'));
    await sendEvent(h.client, birthCase, { type: 'APPROVE_BIRTH', actor: officers.justice });
    const childId = ((await getCaseResult(h.client, birthCase)).results as any).childPersonalId;

    const caseId = 'can-residence-lapse';
    await startCase(h.client, {
      caseId,
      procedureId: 'permanent-residence',
      input: { application: birthApplication('Trần Thị Mai'), childId },
      // The run ends as soon as the chart waits for the head (its history is already past 10 events).
      options: { continueAsNewAfterEvents: 10, delayOverridesMs: { headConsentWindow: 4_000 } },
    });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('refused');
    expect((result.results as any).refusals).toEqual([expect.objectContaining({ step: 'residence', code: 'DEADLINE_LAPSED' })]);

    const runs = await runsOf(caseId);
    expect(runs.length).toBeGreaterThan(1);
    const carried = runs.find((r) => r.input.resume && r.input.resume.pendingDelays.length > 0);
    expect(carried?.input.resume?.pendingDelays).toEqual([
      expect.objectContaining({ event: { type: expect.stringContaining('xstate.after.headConsentWindow') } }),
    ]);
    const snap = await getCaseSnapshot(h.client, caseId);
    expect(snap.timeline.map((t) => t.state)).toEqual(['residence.checking', 'residence.awaitingHeadConsent', 'refused']);
  });
});
