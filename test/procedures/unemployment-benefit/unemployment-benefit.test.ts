import { describe, expect, it } from 'vitest';
import { unemploymentBenefitFor, unemploymentBenefitV1 } from '../../../procedures/unemployment-benefit/procedure';
import type { ProcedureEvent } from '../../../procedures/types';
import { checkChart, done, failed } from '../chart-helpers';

const input = { caseId: 'u-1', application: { applicant: { personalId: '001095600003' }, claim: { provinceCode: '01', bankAccount: 'VCB 0011' } } };
const labour = { kind: 'officer' as const, id: 'dvvl-01', agency: 'labour' as const };
const events: ProcedureEvent[] = [
  done('checkUnemploymentClaim', { personalId: '001095600003', proposal: { monthlyAmount: 1, months: 3 } }),
  failed('checkUnemploymentClaim', 'NOT_ENTITLED'),
  { type: 'APPROVE_UNEMPLOYMENT_BENEFIT', actor: labour } as ProcedureEvent,
  { type: 'REFUSE_UNEMPLOYMENT_BENEFIT', actor: labour, reason: 'employed again' } as ProcedureEvent,
  done('decideUnemploymentBenefit', { decisionNumber: 'QD-1' }),
  failed('decideUnemploymentBenefit', 'BENEFIT_ALREADY_PAID'),
];

describe('unemployment benefit chart and configuration', () => {
  it('every final state is reachable and has an outcome; no dead ends; services and events declared', () => {
    expect(checkChart(unemploymentBenefitV1, input, events).finals).toEqual(Object.keys(unemploymentBenefitV1.outcomes).sort());
  });
  it('60% of the average salary capped at 5 × the regional minimum wage; 3 months + 1 per 12 beyond 36, at most 12', () => {
    expect(unemploymentBenefitFor(30, 9_000_000)).toMatchObject({ monthlyAmount: 5_400_000, months: 3 });
    expect(unemploymentBenefitFor(60, 50_000_000)).toMatchObject({ monthlyAmount: 24_800_000, months: 5 });
    expect(unemploymentBenefitFor(400, 10_000_000).months).toBe(12);
  });
});
