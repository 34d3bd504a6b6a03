import { describe, expect, it } from 'vitest';
import { householdBusinessTaxV1 } from '../../../procedures/household-business-tax-registration/procedure';
import type { ProcedureEvent } from '../../../procedures/types';
import { checkChart, done, failed } from '../chart-helpers';

const input = {
  caseId: 't-1',
  application: { applicant: { personalId: '001098600001' }, business: { name: 'Tạp hoá Toàn', line: 'retail', communeCode: '00070', provinceCode: '01', startDate: '2026-12-01' } },
};
const tax = { kind: 'officer' as const, id: 'thue-01', agency: 'tax' as const };
const events: ProcedureEvent[] = [
  done('checkTaxRegistration', { ownerId: '001098600001', reusedFields: [], collectedFields: [] }),
  failed('checkTaxRegistration', 'ALREADY_TAX_REGISTERED'),
  { type: 'APPROVE_TAX_REGISTRATION', actor: tax } as ProcedureEvent,
  { type: 'REFUSE_TAX_REGISTRATION', actor: tax, reason: 'business line not allowed' } as ProcedureEvent,
  done('registerHouseholdBusiness', { taxCode: '001098600001' }),
  failed('registerHouseholdBusiness', 'INVALID_REGISTRY_INPUT'),
];

describe('household business tax registration chart', () => {
  it('every final state is reachable and has an outcome; no dead ends; services and events declared', () => {
    expect(checkChart(householdBusinessTaxV1, input, events).finals).toEqual(Object.keys(householdBusinessTaxV1.outcomes).sort());
  });
});
