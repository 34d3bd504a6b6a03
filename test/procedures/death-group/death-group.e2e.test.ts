import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { count, eq } from 'drizzle-orm';
import { listAudit } from '../../../db/engine/audit-queries';
import { benefitPayments, deathRegistrations, householdMembers, persons, residenceDeletions } from '../../../db/registries/schema';
import {
  DEATH_CONTRIBUTOR,
  DEATH_CONTRIBUTOR_SON,
  DEATH_PENSIONER,
  DEATH_PENSIONER_2,
  DEATH_PENSIONER_2_DAUGHTER,
  DEATH_PENSIONER_2_SON,
  DEATH_PENSIONER_2_WIFE,
  DEATH_PENSIONER_DAUGHTER,
  DEATH_PENSIONER_SON,
  DEATH_PENSIONER_WIFE,
  DEATH_SHORT_CONTRIBUTOR,
  DEATH_SHORT_CONTRIBUTOR_MOTHER,
  DEATH_WORKER,
  DEATH_WORKER_WIFE,
  FIXTURE_DECEASED,
  FIXTURE_FATHER,
  FIXTURE_HOUSEHOLD_HEAD,
  type FixturePerson,
} from '../../../db/seed';
import { localDateOf } from '../../../domain/working-days';
import { deathGroupV1 } from '../../../procedures/death-group/procedure';
import { funeralAllowanceFor, survivorOneTimeFor, type DeathApplication, type DeathSelection } from '../../../procedures/death-group/case';
import { getCaseResult, getCaseSnapshot, sendEvent, startCase, EventNotAcceptedError } from '../../../workflows/case-client';
import { inState, officers, startHarness, waitForCase, type Harness } from '../../support/harness';
import { REPLAY_READ_MODEL_SINKS } from '../../../activities/projection/sinks';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const vssOfficer = { kind: 'officer' as const, id: 'bhxh-dong-da-03', agency: 'vss' as const };
const citizen = (p: FixturePerson) => ({ kind: 'citizen' as const, id: p.personalId });
const daysAgo = (n: number) => localDateOf(new Date(Date.now() - n * 86_400_000));

function application(deceased: FixturePerson, declarant: FixturePerson, selection: DeathSelection, cause: DeathApplication['death']['cause'] = 'illness'): DeathApplication {
  return {
    applicant: { personalId: declarant.personalId },
    deceased: { personalId: deceased.personalId },
    death: { dateOfDeath: daysAgo(3), placeOfDeath: '00166', cause, deathNoticeNo: `BT-${deceased.personalId.slice(-4)}` },
    registration: { communeCode: '00166', provinceCode: '01' },
    selection,
  };
}

/** Declaration → the officer approves the death → residence deletion approved. */
async function throughDeathAndResidence(caseId: string, app: DeathApplication) {
  await startCase(h.client, { caseId, procedureId: 'death-group', input: { application: app } });
  await waitForCase(h.client, caseId, inState('death.awaitingOfficer'));
  await sendEvent(h.client, caseId, { type: 'APPROVE_DEATH', actor: officers.justice });
  await waitForCase(h.client, caseId, inState('services.residence.awaitingOfficer'));
  await sendEvent(h.client, caseId, { type: 'APPROVE_RESIDENCE_DELETION', actor: officers.police });
}

const CITIZEN_FIELDS = /^(applicant\.personalId|deceased\.personalId|death\.\w+|registration\.\w+|selection)$/;

async function writesOf(caseId: string) {
  return (await listAudit(h.registries.db, { caseId })).filter((a) => a.kind === 'write').map((a) => `${a.ctx.agency}:${a.registry}.${a.operation}`);
}

describe('death group end to end', () => {
  it('2 procedures: death registered (register entry, person deceased), residence deleted; once-only and audit', async () => {
    const caseId = 'death-2';
    await throughDeathAndResidence(caseId, application(DEATH_CONTRIBUTOR, DEATH_CONTRIBUTOR_SON, 'deathAndResidence'));
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    const r = result.results as any;
    expect(r.proceduresChosen).toBe(2);
    expect(r.deathCertificate).toMatchObject({
      deceasedId: DEATH_CONTRIBUTOR.personalId,
      deceasedName: DEATH_CONTRIBUTOR.fullName,
      communeCode: '00166',
      registerBook: expect.stringMatching(/^KT-\d{4}-00166$/),
      certificateNumber: String(r.deathCertificate.entryNumber).padStart(2, '0'),
    });
    expect(r.residenceDeletion).toMatchObject({ personalId: DEATH_CONTRIBUTOR.personalId, householdId: 'HH-FIX-HN-D5', reason: 'death' });
    expect(r.funeralAllowance).toBeNull();
    expect(r.refusals).toEqual([]);

    // Registries: deceased in the population database, no longer a permanent resident.
    const [p] = await h.registries.db.select().from(persons).where(eq(persons.personalId, DEATH_CONTRIBUTOR.personalId));
    expect(p.deceased).toBe(true);
    expect(await h.registries.db.select().from(householdMembers).where(eq(householdMembers.personalId, DEATH_CONTRIBUTOR.personalId))).toEqual([]);

    // Once-only: the declarant gave only the facts of the death, keys and the choice; the deceased's data was read.
    expect(r.dataReuse.collectedFields.every((f: string) => CITIZEN_FIELDS.test(f))).toBe(true);
    const citizenSourced = deathGroupV1.data.filter((d) => d.source.kind === 'citizen').map((d) => d.name);
    expect(r.dataReuse.collectedFields.every((f: string) => citizenSourced.includes(f))).toBe(true);
    // The keys given to verify are counted as reused (the state holds them), the rest as collected.
    expect(r.dataReuse.collectedFields).not.toContain('deceased.fullName');
    expect(r.dataReuse.reusedFields).toEqual(expect.arrayContaining(['deceased.fullName', 'deceased.dateOfBirth', 'deceased.sex', 'applicant.fullName']));

    const audit = await listAudit(h.registries.db, { caseId });
    expect(audit.map((a) => `${a.ctx.agency}:${a.registry}.${a.operation}`).sort()).toEqual([
      'justice:civilStatus.findDeathOf',
      'justice:civilStatus.registerDeath',
      'justice:population.getPerson',
      'justice:population.getPerson',
      'justice:population.markDeceased',
      'police:residence.deletePermanentResidence',
      'police:residence.getHouseholdOf',
    ]);
    for (const a of audit) {
      expect(a.ctx.procedureId).toBe('death-group');
      expect(a.ctx.purpose.length).toBeGreaterThan(0);
      expect(a.ctx.legalBasis).toMatch(/Law|Decree/);
    }
    expect(audit.find((a) => a.operation === 'registerDeath')?.ctx).toMatchObject({
      actor: 'system:justice.registerDeath',
      decidedBy: `officer:${officers.justice.id}@justice`,
    });
    expect(audit.find((a) => a.operation === 'getPerson')?.fields).toEqual(['fullName', 'dateOfBirth', 'sex', 'nationality', 'ethnicity', 'deceased']);

    const snap = await getCaseSnapshot(h.client, caseId);
    expect(snap.steps.map((s) => s.step)).toEqual(['total', 'death', 'residence', 'benefits']);
    expect(snap.steps.find((s) => s.step === 'death')!.onTime).toBe(true);
  });

  it('3 procedures: the funeral allowance is 10 × the configured reference level of the month of death', async () => {
    const caseId = 'death-3';
    const app = application(DEATH_WORKER, DEATH_WORKER_WIFE, 'plusFuneralAllowance');
    await throughDeathAndResidence(caseId, app);
    const waiting = await waitForCase(h.client, caseId, inState('services.benefits.awaitingFuneralDecision'));
    expect((waiting.context as any).entitlements.funeral).toMatchObject({ eligible: true, amount: funeralAllowanceFor(app.death.dateOfDeath).amount });
    await expect(sendEvent(h.client, caseId, { type: 'APPROVE_FUNERAL_ALLOWANCE', actor: officers.police })).rejects.toBeInstanceOf(EventNotAcceptedError);
    await sendEvent(h.client, caseId, { type: 'APPROVE_FUNERAL_ALLOWANCE', actor: vssOfficer });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    const r = result.results as any;
    expect(r.proceduresChosen).toBe(3);
    expect(r.funeralAllowance).toMatchObject({
      kind: 'funeralAllowance',
      subjectId: DEATH_WORKER.personalId,
      beneficiaryId: DEATH_WORKER_WIFE.personalId,
      amount: 23_400_000, // 10 × 2,340,000 VND (from 2024-07-01)
    });
    expect(r.funeralAllowance.basis).toMatch(/10 × reference level 2340000/);
    expect(r.survivorBenefit).toBeNull();
    const rows = await h.registries.db.select().from(benefitPayments).where(eq(benefitPayments.subjectId, DEATH_WORKER.personalId));
    expect(rows).toHaveLength(1);
    const audit = await listAudit(h.registries.db, { caseId, agency: 'vss' });
    expect(audit.map((a) => a.operation)).toEqual(['getContributionRecord', 'getContributionRecord', 'payBenefit']);
    expect(audit[0].ctx.legalBasis).toMatch(/Law on Social Insurance/);
  });

  it('4 procedures: every relative confirms the representative, then the one-time survivor benefit is paid', async () => {
    const caseId = 'death-4';
    await throughDeathAndResidence(caseId, application(DEATH_PENSIONER, DEATH_PENSIONER_SON, 'plusSurvivorBenefit'));
    await waitForCase(h.client, caseId, inState('services.benefits.awaitingFuneralDecision'));
    await sendEvent(h.client, caseId, { type: 'APPROVE_FUNERAL_ALLOWANCE', actor: vssOfficer });
    const waiting = await waitForCase(h.client, caseId, inState('services.benefits.awaitingConfirmations'));
    // The relatives come from the population and marriage registers, never from the family.
    expect((waiting.context as any).entitlements.survivor.mustConfirm.sort()).toEqual(
      [DEATH_PENSIONER_WIFE.personalId, DEATH_PENSIONER_DAUGHTER.personalId].sort(),
    );
    expect(waiting.acceptedEvents.map((e) => e.type).sort()).toEqual(['CONFIRM_REPRESENTATIVE', 'DECLINE_REPRESENTATIVE']);
    // The representative himself, or a stranger, cannot confirm.
    await expect(sendEvent(h.client, caseId, { type: 'CONFIRM_REPRESENTATIVE', actor: citizen(DEATH_PENSIONER_SON) })).rejects.toBeInstanceOf(EventNotAcceptedError);
    await expect(sendEvent(h.client, caseId, { type: 'CONFIRM_REPRESENTATIVE', actor: citizen(FIXTURE_FATHER) })).rejects.toBeInstanceOf(EventNotAcceptedError);
    await sendEvent(h.client, caseId, { type: 'CONFIRM_REPRESENTATIVE', actor: citizen(DEATH_PENSIONER_WIFE) });
    await expect(sendEvent(h.client, caseId, { type: 'CONFIRM_REPRESENTATIVE', actor: citizen(DEATH_PENSIONER_WIFE) })).rejects.toBeInstanceOf(EventNotAcceptedError);
    await sendEvent(h.client, caseId, { type: 'CONFIRM_REPRESENTATIVE', actor: citizen(DEATH_PENSIONER_DAUGHTER) });
    await waitForCase(h.client, caseId, inState('services.benefits.awaitingSurvivorDecision'));
    await sendEvent(h.client, caseId, { type: 'APPROVE_SURVIVOR_BENEFIT', actor: vssOfficer });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    const r = result.results as any;
    expect(r.proceduresChosen).toBe(4);
    expect(r.funeralAllowance.amount).toBe(23_400_000);
    expect(r.survivorBenefit).toMatchObject({ kind: 'survivorOneTime', beneficiaryId: DEATH_PENSIONER_SON.personalId, amount: survivorOneTimeFor(372, 6_500_000).amount });
    expect(r.confirmations.map((c: any) => c.relativeId)).toEqual([DEATH_PENSIONER_WIFE.personalId, DEATH_PENSIONER_DAUGHTER.personalId]);
    expect((await writesOf(caseId)).sort()).toEqual([
      'justice:civilStatus.registerDeath',
      'justice:population.markDeceased',
      'police:residence.deletePermanentResidence',
      'vss:socialInsurance.payBenefit',
      'vss:socialInsurance.payBenefit',
    ]);
  });

  it('4 procedures, one relative declines: the survivor benefit is not paid; the rest stands', async () => {
    const caseId = 'death-4-declined';
    await throughDeathAndResidence(caseId, application(DEATH_PENSIONER_2, DEATH_PENSIONER_2_SON, 'plusSurvivorBenefit'));
    await waitForCase(h.client, caseId, inState('services.benefits.awaitingFuneralDecision'));
    await sendEvent(h.client, caseId, { type: 'APPROVE_FUNERAL_ALLOWANCE', actor: vssOfficer });
    await waitForCase(h.client, caseId, inState('services.benefits.awaitingConfirmations'));
    await sendEvent(h.client, caseId, { type: 'CONFIRM_REPRESENTATIVE', actor: citizen(DEATH_PENSIONER_2_WIFE) });
    await sendEvent(h.client, caseId, { type: 'DECLINE_REPRESENTATIVE', actor: citizen(DEATH_PENSIONER_2_DAUGHTER) });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('partiallyCompleted');
    const r = result.results as any;
    expect(r.funeralAllowance.amount).toBe(23_400_000);
    expect(r.survivorBenefit).toBeNull();
    expect(r.refusals).toEqual([
      expect.objectContaining({ step: 'survivor', code: 'REPRESENTATIVE_NOT_CONFIRMED', by: `citizen:${DEATH_PENSIONER_2_DAUGHTER.personalId}` }),
    ]);
    const paid = await h.registries.db.select().from(benefitPayments).where(eq(benefitPayments.subjectId, DEATH_PENSIONER_2.personalId));
    expect(paid.map((p) => p.kind)).toEqual(['funeralAllowance']);
  });

  it('fewer than 12 months of contributions, not work-related: no funeral allowance (partial, with the reason)', async () => {
    const caseId = 'death-ineligible';
    await throughDeathAndResidence(caseId, application(DEATH_SHORT_CONTRIBUTOR, DEATH_SHORT_CONTRIBUTOR_MOTHER, 'plusFuneralAllowance'));
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('partiallyCompleted');
    const r = result.results as any;
    expect(r.deathCertificate.deceasedId).toBe(DEATH_SHORT_CONTRIBUTOR.personalId);
    expect(r.funeralAllowance).toBeNull();
    expect(r.refusals).toEqual([expect.objectContaining({ step: 'funeral', code: 'NOT_ELIGIBLE', reason: expect.stringMatching(/only 6 months/) })]);
    expect(await writesOf(caseId)).not.toContain('vss:socialInsurance.payBenefit');
  });

  it('rejects a declaration for a person already recorded as deceased: nothing is written', async () => {
    const caseId = 'death-rejected';
    await startCase(h.client, { caseId, procedureId: 'death-group', input: { application: application(FIXTURE_DECEASED, FIXTURE_HOUSEHOLD_HEAD, 'deathAndResidence') } });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('rejected');
    expect((result.results as any).refusals).toEqual([expect.objectContaining({ step: 'death', code: 'ALREADY_DECEASED' })]);
    expect(await writesOf(caseId)).toEqual([]);
  });

  it('the officer refuses the death registration with reasons: nothing is registered', async () => {
    const caseId = 'death-refused';
    await startCase(h.client, { caseId, procedureId: 'death-group', input: { application: application(FIXTURE_HOUSEHOLD_HEAD, FIXTURE_FATHER, 'deathAndResidence') } });
    await waitForCase(h.client, caseId, inState('death.awaitingOfficer'));
    await expect(sendEvent(h.client, caseId, { type: 'REFUSE_DEATH', actor: officers.justice })).rejects.toThrow(/needs "reason"/);
    await sendEvent(h.client, caseId, { type: 'REFUSE_DEATH', actor: officers.justice, reason: 'the death notice names another person' });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('refused');
    expect(await writesOf(caseId)).toEqual([]);
    const [p] = await h.registries.db.select().from(persons).where(eq(persons.personalId, FIXTURE_HOUSEHOLD_HEAD.personalId));
    expect(p.deceased).toBe(false);
  });

  it('nothing is written twice: one death entry, one deletion per deceased; entries numbered consecutively', async () => {
    const deaths = await h.registries.db.select().from(deathRegistrations);
    expect(deaths).toHaveLength(5);
    expect(new Set(deaths.map((d) => d.deceasedId)).size).toBe(5);
    expect(deaths.map((d) => d.entryNumber).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    const [{ n }] = await h.registries.db.select({ n: count() }).from(residenceDeletions);
    expect(n).toBe(5);
    for (const caseId of ['death-2', 'death-3', 'death-4', 'death-4-declined', 'death-ineligible']) {
      const writes = await writesOf(caseId);
      expect(writes.filter((w) => w.endsWith('registerDeath'))).toHaveLength(1);
      expect(writes.filter((w) => w.endsWith('deletePermanentResidence'))).toHaveLength(1);
    }
    expect((await writesOf('death-4')).filter((w) => w.endsWith('payBenefit'))).toHaveLength(2);
  });

  it('replays the finished death-group cases deterministically from their histories', async () => {
    for (const caseId of ['death-2', 'death-4', 'death-4-declined', 'death-ineligible']) {
      const history = await h.client.workflow.getHandle(`case-${caseId}`).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: h.workflowBundle, dataConverter: h.dataConverter, sinks: REPLAY_READ_MODEL_SINKS }, history, `case-${caseId}`);
    }
  });
});
