import { describe, expect, it } from 'vitest';
import { getNextSnapshot, initialTransition } from 'xstate';
import { deathGroupV1 } from '../../../procedures/death-group/procedure';
import { funeralAllowanceFor, survivorOneTimeFor, type DeathApplication, type DeathSelection } from '../../../procedures/death-group/case';
import type { ProcedureEvent } from '../../../procedures/types';
import { after, checkChart, done, failed } from '../chart-helpers';
const deathGroupMachine = deathGroupV1.machine;

const DECLARANT = '001078100003';
const WIFE = '001152100002';
const DAUGHTER = '001181100004';
const DECEASED = '001050100001';

const app = (selection: DeathSelection): DeathApplication => ({
  applicant: { personalId: DECLARANT },
  deceased: { personalId: DECEASED },
  death: { dateOfDeath: '2026-11-18', placeOfDeath: '00166', cause: 'illness', deathNoticeNo: 'BT-1' },
  registration: { communeCode: '00166', provinceCode: '01' },
  selection,
});
const input = (selection: DeathSelection) => ({ caseId: 'd-1', application: app(selection) });

const justice = { kind: 'officer' as const, id: 'tp-01', agency: 'justice' as const };
const police = { kind: 'officer' as const, id: 'ca-01', agency: 'police' as const };
const vss = { kind: 'officer' as const, id: 'bh-01', agency: 'vss' as const };
const citizen = (id: string) => ({ kind: 'citizen' as const, id });

const entitlements = (eligible: boolean, mustConfirm = [WIFE, DAUGHTER]) => ({
  funeral: { eligible, reason: eligible ? 'pensioner' : 'only 6 months', amount: eligible ? 23_400_000 : 0, basis: 'x' },
  contribution: { compulsoryMonths: 372, pensioner: true },
  survivor: { eligible, reason: 'confirm', amount: 10, basis: 'y', mustConfirm },
});

const ev = {
  checked: done('checkDeathDossier', { deceasedId: DECEASED, deceasedName: 'X', late: false, verificationNeeded: false, reusedFields: [], collectedFields: [] }),
  checkFailed: failed('checkDeathDossier', 'ALREADY_DECEASED'),
  approveDeath: { type: 'APPROVE_DEATH', actor: justice } as ProcedureEvent,
  refuseDeath: { type: 'REFUSE_DEATH', actor: justice, reason: 'notice does not match' } as ProcedureEvent,
  registered: done('registerDeath', { deceasedId: DECEASED, dateOfDeath: '2026-11-18', certificateNumber: '01', registerBook: 'KT-2026-00166' }),
  registerFailed: failed('registerDeath', 'DEATH_ALREADY_REGISTERED'),
  householdFound: done('checkResidenceDeletion', { householdId: 'HH-1', headId: DECLARANT, relationToHead: 'parent' }),
  householdMissing: failed('checkResidenceDeletion', 'NO_PERMANENT_RESIDENCE'),
  approveDeletion: { type: 'APPROVE_RESIDENCE_DELETION', actor: police } as ProcedureEvent,
  refuseDeletion: { type: 'REFUSE_RESIDENCE_DELETION', actor: police, reason: 'under review' } as ProcedureEvent,
  deleted: done('deletePermanentResidence', { personalId: DECEASED, householdId: 'HH-1' }),
  entitled: done('checkBenefitEntitlements', entitlements(true)),
  notEntitled: done('checkBenefitEntitlements', entitlements(false)),
  approveFuneral: { type: 'APPROVE_FUNERAL_ALLOWANCE', actor: vss } as ProcedureEvent,
  refuseFuneral: { type: 'REFUSE_FUNERAL_ALLOWANCE', actor: vss, reason: 'documents' } as ProcedureEvent,
  funeralPaid: done('payFuneralAllowance', { kind: 'funeralAllowance', amount: 23_400_000 }),
  wifeConfirms: { type: 'CONFIRM_REPRESENTATIVE', actor: citizen(WIFE) } as ProcedureEvent,
  daughterConfirms: { type: 'CONFIRM_REPRESENTATIVE', actor: citizen(DAUGHTER) } as ProcedureEvent,
  daughterDeclines: { type: 'DECLINE_REPRESENTATIVE', actor: citizen(DAUGHTER) } as ProcedureEvent,
  approveSurvivor: { type: 'APPROVE_SURVIVOR_BENEFIT', actor: vss } as ProcedureEvent,
  refuseSurvivor: { type: 'REFUSE_SURVIVOR_BENEFIT', actor: vss, reason: 'dispute' } as ProcedureEvent,
  survivorPaid: done('paySurvivorBenefit', { kind: 'survivorOneTime', amount: 10 }),
};

const allEvents: ProcedureEvent[] = [
  ...Object.values(ev),
  failed('deletePermanentResidence', 'X'),
  failed('checkBenefitEntitlements', 'X'),
  failed('payFuneralAllowance', 'X'),
  failed('paySurvivorBenefit', 'X'),
  after('confirmationWindow', 'deathGroup.services.benefits.awaitingConfirmations'),
];

function run(selection: DeathSelection, ...sequence: ProcedureEvent[]) {
  let [snapshot] = initialTransition(deathGroupMachine, input(selection));
  for (const e of sequence) snapshot = getNextSnapshot(deathGroupMachine, snapshot, e);
  return snapshot;
}

describe('death group chart', () => {
  it('every final state is reachable and has an outcome; no dead ends; services and events declared', () => {
    const all = new Set<string>();
    for (const selection of ['deathAndResidence', 'plusFuneralAllowance', 'plusSurvivorBenefit'] as const) {
      for (const f of checkChart(deathGroupV1, input(selection), allEvents).finals) all.add(f);
    }
    expect([...all].sort()).toEqual(Object.keys(deathGroupV1.outcomes).sort());
  });

  const throughDeath = [ev.checked, ev.approveDeath, ev.registered, ev.householdFound, ev.approveDeletion, ev.deleted];

  it('2 procedures: death registered and residence deleted, no allowance asked for', () => {
    const s = run('deathAndResidence', ...throughDeath);
    expect(s.value).toBe('completed');
    expect(s.context.funeralPayment).toBeUndefined();
  });

  it('3 procedures: the funeral allowance is paid after the officer approves', () => {
    const s = run('plusFuneralAllowance', ...throughDeath, ev.entitled, ev.approveFuneral, ev.funeralPaid);
    expect(s.value).toBe('completed');
    expect(s.context.funeralPayment?.amount).toBe(23_400_000);
  });

  it('4 procedures: every relative confirms the representative, then the survivor benefit is paid', () => {
    const waiting = run('plusSurvivorBenefit', ...throughDeath, ev.entitled, ev.approveFuneral, ev.funeralPaid);
    expect(waiting.value).toEqual({ services: { residence: 'deleted', benefits: 'awaitingConfirmations' } });
    expect(waiting.can({ ...ev.wifeConfirms, actor: citizen(DECLARANT) })).toBe(false); // the representative does not confirm himself
    const one = getNextSnapshot(deathGroupMachine, waiting, ev.wifeConfirms);
    expect(one.can(ev.wifeConfirms)).toBe(false); // once each
    const both = getNextSnapshot(deathGroupMachine, one, ev.daughterConfirms);
    expect(both.value).toEqual({ services: { residence: 'deleted', benefits: 'awaitingSurvivorDecision' } });
    const s = [ev.approveSurvivor, ev.survivorPaid].reduce((snap, e) => getNextSnapshot(deathGroupMachine, snap, e), both);
    expect(s.value).toBe('completed');
    expect(s.context.confirmations.map((c: { relativeId: string }) => c.relativeId)).toEqual([WIFE, DAUGHTER]);
  });

  it('a relative declining stops the survivor benefit; the rest stands (partial)', () => {
    const s = run('plusSurvivorBenefit', ...throughDeath, ev.entitled, ev.approveFuneral, ev.funeralPaid, ev.wifeConfirms, ev.daughterDeclines);
    expect(s.value).toBe('partiallyCompleted');
    expect(s.context.funeralPayment).toBeDefined();
    expect(s.context.survivorPayment).toBeUndefined();
    expect(s.context.refusals).toEqual([expect.objectContaining({ step: 'survivor', code: 'REPRESENTATIVE_NOT_CONFIRMED' })]);
  });

  it('silence is not consent: the confirmation window lapses', () => {
    const s = run('plusSurvivorBenefit', ...throughDeath, ev.entitled, ev.approveFuneral, ev.funeralPaid, ev.wifeConfirms,
      after('confirmationWindow', 'deathGroup.services.benefits.awaitingConfirmations'));
    expect(s.value).toBe('partiallyCompleted');
    expect(s.context.refusals[0].code).toBe('DEADLINE_LAPSED');
  });

  it('not eligible for the funeral allowance: partial, with the reason', () => {
    const s = run('plusFuneralAllowance', ...throughDeath, ev.notEntitled);
    expect(s.value).toBe('partiallyCompleted');
    expect(s.context.refusals[0]).toMatchObject({ step: 'funeral', code: 'NOT_ELIGIBLE' });
  });

  it('the officer refuses the death registration with reasons; a rejected dossier registers nothing', () => {
    expect(run('deathAndResidence', ev.checked, ev.refuseDeath).value).toBe('refused');
    expect(run('deathAndResidence', ev.checked, { ...ev.refuseDeath, reason: ' ' }).value).toEqual({ death: 'awaitingOfficer' });
    expect(run('deathAndResidence', ev.checkFailed).value).toBe('rejected');
  });

  it('only the owning agency decides each step', () => {
    const s = run('plusFuneralAllowance', ...throughDeath, ev.entitled);
    expect(s.can({ ...ev.approveFuneral, actor: police })).toBe(false);
    expect(s.can(ev.approveFuneral)).toBe(true);
  });
});

describe('death group configuration', () => {
  it('funeral allowance = 10 × the reference level of the month of death', () => {
    expect(funeralAllowanceFor('2026-11-18').amount).toBe(23_400_000);
    expect(funeralAllowanceFor('2024-07-01').amount).toBe(23_400_000);
    expect(funeralAllowanceFor('2024-06-30').amount).toBe(18_000_000);
    expect(funeralAllowanceFor('2020-01-15').amount).toBe(14_900_000);
  });
  it('survivor one-time benefit: 1.5 months per contribution year, at least 3 months', () => {
    expect(survivorOneTimeFor(6, 7_000_000).amount).toBe(21_000_000);
    expect(survivorOneTimeFor(30, 8_000_000).amount).toBe(Math.round(3.75 * 8_000_000));
  });
});
