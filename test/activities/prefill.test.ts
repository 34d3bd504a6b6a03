import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefillAndResolve, prefillFromRegistries } from '../../activities/once-only/prefill';
import { auditRegistries } from '../../activities/registries/audited';
import { createPostgresAuditSink } from '../../activities/registries/postgres/audit-sink';
import { createPostgresRegistries } from '../../activities/registries/postgres/index';
import type { Registries } from '../../domain/registries';
import { listAudit } from '../../db/engine/audit-queries';
import {
  FIXTURE_FATHER,
  FIXTURE_HOUSEHOLD_HANOI,
  FIXTURE_HOUSEHOLD_HEAD,
  FIXTURE_MOTHER,
  seedPopulation,
} from '../../db/seed';
import type { FieldDeclaration } from '../../procedures/types';
import { openTestDatabase, testCtx, type TestDatabase } from '../support/registry-helpers';

const basis = { purpose: 'register the birth and residence of a child', legalBasis: 'Decree 63/2024' };
const reg = (name: string, registry: any, keyField: string, attribute: string, type: FieldDeclaration['type'] = 'string'): FieldDeclaration => ({
  name, type, required: true, source: { kind: 'registry', registry, keyField, attribute }, ...basis,
});
const decls: FieldDeclaration[] = [
  { name: 'mother.personalId', type: 'personalId', required: true, source: { kind: 'citizen' }, ...basis },
  { name: 'father.personalId', type: 'personalId', required: false, source: { kind: 'citizen' }, ...basis },
  reg('mother.fullName', 'population', 'mother.personalId', 'fullName'),
  reg('mother.dateOfBirth', 'population', 'mother.personalId', 'dateOfBirth', 'date'),
  reg('mother.homeTown', 'population', 'mother.personalId', 'homeTown', 'communeCode'),
  reg('father.fullName', 'population', 'father.personalId', 'fullName'),
  reg('father.socialInsuranceNumber', 'socialInsurance', 'father.personalId', 'socialInsuranceNumber'),
  reg('household.id', 'residence', 'mother.personalId', 'householdId'),
  reg('household.headId', 'residence', 'mother.personalId', 'headId', 'personalId'),
  reg('household.communeCode', 'residence', 'mother.personalId', 'address.communeCode', 'communeCode'),
  // Keyed by a value that itself comes from a registry: read in a second round.
  reg('household.headName', 'population', 'household.headId', 'fullName'),
  { name: 'child.fullName', type: 'string', required: true, source: { kind: 'citizen' }, ...basis },
];

let t: TestDatabase;
let registries: Registries;
beforeAll(async () => {
  t = await openTestDatabase();
  await seedPopulation(t.db, { people: 300, seed: 5 });
  registries = auditRegistries(createPostgresRegistries(t.db), createPostgresAuditSink(t.db), () => new Date('2026-03-10T02:00:00Z'));
});
afterAll(async () => {
  await t?.close();
});

describe('once-only prefill', () => {
  it('reads every registry field it can, following keys that registries return', async () => {
    const ctx = testCtx('prefill-1');
    const r = await prefillFromRegistries({
      declarations: decls,
      keys: { 'mother.personalId': FIXTURE_MOTHER.personalId, 'father.personalId': FIXTURE_FATHER.personalId },
      registries,
      ctx,
    });
    expect(r.notFound).toEqual([]);
    expect(Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, v.value]))).toEqual({
      'mother.fullName': FIXTURE_MOTHER.fullName,
      'mother.dateOfBirth': FIXTURE_MOTHER.dateOfBirth,
      'mother.homeTown': FIXTURE_MOTHER.homeTown,
      'father.fullName': FIXTURE_FATHER.fullName,
      'father.socialInsuranceNumber': FIXTURE_FATHER.socialInsuranceNumber,
      'household.id': FIXTURE_HOUSEHOLD_HANOI.householdId,
      'household.headId': FIXTURE_HOUSEHOLD_HEAD.personalId,
      'household.communeCode': '00004',
      'household.headName': FIXTURE_HOUSEHOLD_HEAD.fullName,
    });
    expect(r.values['household.id'].registry).toBe('residence');
    expect(r.reads).toBe(5);

    // Each read is audited with only the attributes the procedure declared.
    const audit = await listAudit(t.db, { caseId: 'prefill-1' });
    expect(audit).toHaveLength(5);
    const motherRead = audit.find((a) => a.operation === 'getPerson' && a.subjectId === FIXTURE_MOTHER.personalId);
    expect(motherRead?.fields).toEqual(['fullName', 'dateOfBirth', 'homeTown']);
    expect(audit.find((a) => a.subjectId === FIXTURE_HOUSEHOLD_HEAD.personalId)?.fields).toEqual(['fullName']);
    expect(audit.every((a) => a.kind === 'read' && a.outcome === 'ok' && a.ctx.purpose === ctx.purpose)).toBe(true);
  });

  it('reports unknown keys as not found and never sends invalid IDs to a registry', async () => {
    const r = await prefillFromRegistries({
      declarations: decls,
      keys: { 'mother.personalId': '001196999999', 'father.personalId': '12345' },
      registries,
      ctx: testCtx('prefill-2'),
    });
    expect(r.values).toEqual({});
    expect(r.invalidKeys).toEqual([{ keyField: 'father.personalId', keyValue: '12345', reason: expect.any(String) }]);
    expect(r.notFound.map((x) => x.registry).sort()).toEqual(['population', 'residence']);
    const audit = await listAudit(t.db, { caseId: 'prefill-2' });
    expect(audit.map((a) => a.outcome)).toEqual(['not_found', 'not_found']);
    expect(audit.every((a) => a.subjectId === '001196999999')).toBe(true);
  });

  it('feeds the resolver: held data is not asked again and refused if sent', async () => {
    const { resolution } = await prefillAndResolve({
      declarations: decls,
      keys: { 'mother.personalId': FIXTURE_MOTHER.personalId },
      submitted: { 'mother.personalId': FIXTURE_MOTHER.personalId, 'mother.fullName': 'Trần Thị Bình', 'child.fullName': 'Nguyễn Minh Khôi' },
      registries,
      ctx: testCtx('prefill-3'),
    });
    expect(resolution.refused).toEqual([{ field: 'mother.fullName', registry: 'population', code: 'DATA_ALREADY_HELD' }]);
    // Father not given: his registry fields are neither read nor held, so they stay missing.
    expect(resolution.missing.map((d) => d.name)).toEqual(['father.fullName', 'father.socialInsuranceNumber']);
    expect(resolution.counts.reused).toBe(7);
  });

  it('reads a record once however many key fields point at it, and not at all when the case carries it', async () => {
    const ctx = testCtx('prefill-4');
    const withApplicant = [...decls, { name: 'applicant.personalId', type: 'personalId' as const, required: true, source: { kind: 'citizen' as const }, ...basis }];
    const keys = { 'mother.personalId': FIXTURE_MOTHER.personalId, 'applicant.personalId': FIXTURE_MOTHER.personalId };
    const needs = [{ registry: 'population' as const, keyField: 'applicant.personalId', attributes: ['fullName', 'deceased'] }];
    const first = await prefillFromRegistries({ declarations: withApplicant, keys, registries, ctx, needs });
    const motherReads = (await listAudit(t.db, { caseId: 'prefill-4' })).filter((a) => a.operation === 'getPerson' && a.subjectId === FIXTURE_MOTHER.personalId);
    expect(motherReads.map((a) => a.fields)).toEqual([['fullName', 'dateOfBirth', 'homeTown', 'deceased']]);
    expect(first.recordOf('population', 'applicant.personalId')).toEqual({ fullName: FIXTURE_MOTHER.fullName, dateOfBirth: FIXTURE_MOTHER.dateOfBirth, homeTown: FIXTURE_MOTHER.homeTown, deceased: false });

    // A later step with the records carried: the same values, no registry call, no audit entry.
    const later = await prefillFromRegistries({ declarations: withApplicant, keys, registries, ctx: testCtx('prefill-5'), needs, held: first.records });
    expect(later.reads).toBe(0);
    expect(later.values).toEqual(first.values);
    expect(await listAudit(t.db, { caseId: 'prefill-5' })).toEqual([]);
    // A carried record without an attribute the step needs is read again (once).
    const partial = first.records.map((r) => (r.registry === 'population' && r.keyValue === FIXTURE_MOTHER.personalId ? { ...r, attributes: ['fullName'] } : r));
    const again = await prefillFromRegistries({ declarations: withApplicant, keys, registries, ctx: testCtx('prefill-6'), needs, held: partial });
    expect(again.reads).toBe(1);
    expect((await listAudit(t.db, { caseId: 'prefill-6' })).map((a) => `${a.registry}.${a.operation}:${a.subjectId}`)).toEqual([`population.getPerson:${FIXTURE_MOTHER.personalId}`]);
  });
});
