import { describe, expect, it } from 'vitest';
import {
  assertResolution,
  DataAlreadyHeldError,
  MissingFieldsError,
  plannedRegistryReads,
  resolutionErrors,
  resolvedValues,
  resolveFields,
  UnknownFieldError,
} from '../../domain/once-only';
import type { FieldDeclaration } from '../../domain/field-declarations';

const basis = { purpose: 'register the birth', legalBasis: 'Decree 63/2024' };
const decls: FieldDeclaration[] = [
  { name: 'mother.personalId', type: 'personalId', required: true, source: { kind: 'citizen' }, ...basis },
  { name: 'mother.fullName', type: 'string', required: true, source: { kind: 'registry', registry: 'population', keyField: 'mother.personalId', attribute: 'fullName' }, ...basis },
  { name: 'mother.dateOfBirth', type: 'date', required: true, source: { kind: 'registry', registry: 'population', keyField: 'mother.personalId', attribute: 'dateOfBirth' }, ...basis },
  { name: 'mother.ethnicity', type: 'string', required: true, mode: 'verify', source: { kind: 'registry', registry: 'population', keyField: 'mother.personalId', attribute: 'ethnicity' }, ...basis },
  { name: 'household.street', type: 'string', required: true, mode: 'update', source: { kind: 'registry', registry: 'residence', keyField: 'mother.personalId', attribute: 'address.street' }, ...basis },
  { name: 'father.personalId', type: 'personalId', required: false, source: { kind: 'citizen' }, ...basis },
  { name: 'father.fullName', type: 'string', required: false, source: { kind: 'registry', registry: 'population', keyField: 'father.personalId', attribute: 'fullName' }, ...basis },
  { name: 'child.fullName', type: 'string', required: true, source: { kind: 'citizen' }, ...basis },
  { name: 'child.sex', type: 'enum', enumValues: ['male', 'female'], required: true, source: { kind: 'citizen' }, ...basis },
  { name: 'child.dateOfBirth', type: 'date', required: true, source: { kind: 'citizen' }, ...basis },
  { name: 'child.placeOfBirth', type: 'communeCode', required: true, source: { kind: 'citizen' }, ...basis },
  { name: 'child.personalId', type: 'personalId', required: true, source: { kind: 'step', step: 'birthRegistration', output: 'childId' }, ...basis },
];

const held = {
  'mother.fullName': { value: 'Trần Thị Bình', registry: 'population' as const },
  'mother.dateOfBirth': { value: '1996-02-15', registry: 'population' as const },
  'mother.ethnicity': { value: 'Kinh', registry: 'population' as const },
  'household.street': { value: 'Số 18 Phố Quán Thánh', registry: 'residence' as const },
};
const child = { 'child.fullName': 'Nguyễn Minh Khôi', 'child.sex': 'male', 'child.dateOfBirth': '2026-03-01', 'child.placeOfBirth': '00004' };

describe('once-only resolver', () => {
  it('takes held data from registries and steps, and asks the citizen only for the rest', () => {
    const r = resolveFields({
      declarations: decls,
      registryValues: held,
      stepOutputs: { birthRegistration: { childId: '001226000123' } },
      submitted: { 'mother.personalId': '036196023456', 'child.fullName': 'Nguyễn Minh Khôi' },
    });
    expect(r.ok).toBe(true);
    expect(r.refused).toEqual([]);
    expect(r.resolved).toContainEqual({ field: 'mother.fullName', value: 'Trần Thị Bình', source: 'registry', registry: 'population' });
    expect(r.resolved).toContainEqual({ field: 'child.personalId', value: '001226000123', source: 'step', step: 'birthRegistration' });
    expect(r.resolved).toContainEqual({ field: 'mother.personalId', value: '036196023456', source: 'citizen' });
    expect(r.missing.map((d) => d.name)).toEqual(['child.sex', 'child.dateOfBirth', 'child.placeOfBirth']);
    expect(r.counts).toEqual({ reused: 5, collected: 2 });
    expect(resolvedValues(r)['household.street']).toBe('Số 18 Phố Quán Thánh');
  });

  it('refuses data the state already holds, naming the field and the registry', () => {
    const r = resolveFields({
      declarations: decls,
      registryValues: held,
      stepOutputs: {},
      submitted: { 'mother.personalId': '036196023456', 'mother.fullName': 'Tran Thi Binh', ...child },
    });
    expect(r.ok).toBe(false);
    expect(r.refused).toEqual([{ field: 'mother.fullName', registry: 'population', code: 'DATA_ALREADY_HELD' }]);
    // The state's value stands.
    expect(resolvedValues(r)['mother.fullName']).toBe('Trần Thị Bình');
    const [err] = resolutionErrors(r);
    expect(err).toBeInstanceOf(DataAlreadyHeldError);
    expect(err).toMatchObject({ code: 'DATA_ALREADY_HELD', field: 'mother.fullName', registry: 'population' });
    expect(() => assertResolution(r)).toThrow(/mother\.fullName.*population/);
  });

  it('refuses a step output the citizen tries to give, and leaves it pending', () => {
    const r = resolveFields({ declarations: decls, registryValues: held, stepOutputs: {}, submitted: { ...child, 'child.personalId': '001226000123' } });
    expect(r.refused).toEqual([{ field: 'child.personalId', step: 'birthRegistration', code: 'DATA_ALREADY_HELD' }]);
    expect(r.pending.map((d) => d.name)).toEqual(['child.personalId']);
    expect(r.missing.map((d) => d.name)).not.toContain('child.personalId');
  });

  it('lets the citizen verify a held field (the state value stays; differences are reported)', () => {
    const same = resolveFields({ declarations: decls, registryValues: held, stepOutputs: {}, submitted: { ...child, 'mother.ethnicity': 'Kinh' } });
    expect(same.ok).toBe(true);
    expect(same.mismatches).toEqual([]);
    const differs = resolveFields({ declarations: decls, registryValues: held, stepOutputs: {}, submitted: { ...child, 'mother.ethnicity': 'Tày' } });
    expect(differs.ok).toBe(true);
    expect(differs.mismatches).toEqual([{ field: 'mother.ethnicity', held: 'Kinh', submitted: 'Tày' }]);
    expect(resolvedValues(differs)['mother.ethnicity']).toBe('Kinh');
  });

  it('lets the citizen update a held field in update mode', () => {
    const r = resolveFields({ declarations: decls, registryValues: held, stepOutputs: {}, submitted: { ...child, 'household.street': 'Số 20 Phố Quán Thánh' } });
    expect(r.ok).toBe(true);
    expect(resolvedValues(r)['household.street']).toBe('Số 20 Phố Quán Thánh');
    expect(r.updates).toEqual([{ field: 'household.street', held: 'Số 18 Phố Quán Thánh', submitted: 'Số 20 Phố Quán Thánh', registry: 'residence' }]);
  });

  it('reports unknown submitted fields', () => {
    const r = resolveFields({ declarations: decls, registryValues: held, stepOutputs: {}, submitted: { ...child, 'mother.religion': 'x' } });
    expect(r.ok).toBe(false);
    expect(r.unknown).toEqual(['mother.religion']);
    expect(resolutionErrors(r)[0]).toBeInstanceOf(UnknownFieldError);
    expect(resolutionErrors(r)[0]).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'mother.religion' });
  });

  it('validates types: personal IDs, ISO dates, enums, commune codes', () => {
    const r = resolveFields({
      declarations: decls,
      registryValues: held,
      stepOutputs: {},
      submitted: { 'mother.personalId': '003196023456', 'child.fullName': 'Khôi', 'child.sex': 'other', 'child.dateOfBirth': '2026-02-30', 'child.placeOfBirth': '4' },
    });
    expect(r.invalid.map((f) => f.field)).toEqual(['mother.personalId', 'child.sex', 'child.dateOfBirth', 'child.placeOfBirth']);
    expect(r.invalid.every((f) => f.code === 'INVALID_FIELD_VALUE')).toBe(true);
    expect(r.ok).toBe(false);
  });

  it('lets the citizen give a registry field the registry does not hold (e.g. a parent not in the database)', () => {
    const r = resolveFields({
      declarations: decls,
      registryValues: held,
      stepOutputs: {},
      submitted: { ...child, 'father.fullName': 'John Smith' },
    });
    expect(r.ok).toBe(true);
    expect(r.resolved).toContainEqual({ field: 'father.fullName', value: 'John Smith', source: 'citizen' });
    expect(resolutionErrors(r, { includeMissing: true })[0]).toBeInstanceOf(MissingFieldsError); // mother.personalId
  });

  it('plans one registry read per (registry, key) for the keys it knows', () => {
    expect(plannedRegistryReads(decls, { 'mother.personalId': '036196023456' })).toEqual([
      { registry: 'population', keyField: 'mother.personalId', keyValue: '036196023456', attributes: ['fullName', 'dateOfBirth', 'ethnicity'], fields: ['mother.fullName', 'mother.dateOfBirth', 'mother.ethnicity'] },
      { registry: 'residence', keyField: 'mother.personalId', keyValue: '036196023456', attributes: ['address.street'], fields: ['household.street'] },
    ]);
    expect(plannedRegistryReads(decls, {})).toEqual([]);
    expect(plannedRegistryReads(decls, { 'father.personalId': '001094012345' }).map((p) => p.fields)).toEqual([['father.fullName']]);
  });
});
