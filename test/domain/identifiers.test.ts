import { describe, expect, it } from 'vitest';
import {
  assertCommuneCode,
  InvalidCommuneCodeError,
  InvalidIdentifierInputError,
  InvalidPersonalIdError,
  InvalidProvinceCodeError,
  isCommuneCode,
  isProvinceCode,
  makePersonalId,
  makeSocialInsuranceNumber,
  parsePersonalId,
  randomDigits,
  validatePersonalId,
  validateSocialInsuranceNumber,
} from '../../domain/identifiers';
import { currentProvinceOf, FORMER_PROVINCE_CODES, PROVINCES_2025 } from '../../domain/provinces';
import { seededRandom } from '../../domain/random';

describe('personal ID numbers', () => {
  it('accepts valid numbers and reads province, sex and birth year', () => {
    expect(parsePersonalId('001094012345')).toEqual({
      personalId: '001094012345', provinceCode3: '001', sex: 'male', century: 1900, birthYear: 1994, serial6: '012345',
    });
    // A former province code (Nam Định, 36) stays valid after the 2025 merger.
    expect(parsePersonalId('036196023456')).toMatchObject({ sex: 'female', birthYear: 1996 });
    expect(parsePersonalId('079325000001')).toMatchObject({ sex: 'female', century: 2000, birthYear: 2025 });
    expect(parsePersonalId('048200999999')).toMatchObject({ sex: 'male', birthYear: 2000 });
  });

  it.each([
    ['00109401234', 'bad_length'],
    ['0010940123456', 'bad_length'],
    ['', 'bad_length'],
    ['00109401234a', 'non_digits'],
    ['001 94012345', 'non_digits'],
    ['003094012345', 'unknown_province_code'],
    ['099094012345', 'unknown_province_code'],
    ['101094012345', 'unknown_province_code'],
    ['001426000001', 'century_sex_inconsistent'], // 2100s: nobody is born yet
    ['001826000001', 'century_sex_inconsistent'],
  ])('rejects %s (%s)', (id, reason) => {
    const r = validatePersonalId(id);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe(reason);
  });

  it('rejects a birth year after the given bound, and a century/sex digit that contradicts the record', () => {
    expect(validatePersonalId('001330000001', { maxBirthYear: 2026 })).toMatchObject({ ok: false, reason: 'century_sex_inconsistent' });
    expect(validatePersonalId('001326000001', { maxBirthYear: 2026 }).ok).toBe(true);
    expect(validatePersonalId('001094012345', { expected: { sex: 'female' } })).toMatchObject({ ok: false, reason: 'century_sex_inconsistent' });
    expect(validatePersonalId('001094012345', { expected: { sex: 'male', birthYear: 2094 } })).toMatchObject({ ok: false });
    expect(validatePersonalId('001094012345', { expected: { sex: 'male', birthYear: 1994 } }).ok).toBe(true);
  });

  it('throws a coded error from parsePersonalId', () => {
    expect(() => parsePersonalId('12345')).toThrow(InvalidPersonalIdError);
    try {
      parsePersonalId('003094012345');
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_PERSONAL_ID', reason: 'unknown_province_code' });
    }
  });

  it('makes IDs whose G digit encodes century and sex', () => {
    expect(makePersonalId({ provinceCode3: '001', sex: 'male', birthYear: 1994, serial6: '012345' })).toBe('001094012345');
    expect(makePersonalId({ provinceCode3: '001', sex: 'female', birthYear: 1994, serial6: '012345' })).toBe('001194012345');
    expect(makePersonalId({ provinceCode3: '079', sex: 'male', birthYear: 2026, serial6: '000007' })).toBe('079226000007');
    expect(makePersonalId({ provinceCode3: '048', sex: 'female', birthYear: 2005, serial6: '123456' })).toBe('048305123456');
    const random = seededRandom(1);
    for (let i = 0; i < 200; i++) {
      const sex = i % 2 ? 'male' : 'female';
      const birthYear = 1920 + (i % 107);
      const id = makePersonalId({ provinceCode3: '092', sex, birthYear, serial6: randomDigits(6, random) });
      expect(parsePersonalId(id)).toMatchObject({ sex, birthYear, provinceCode3: '092' });
    }
  });

  it('refuses inputs it cannot encode', () => {
    const ok = { provinceCode3: '001', sex: 'male' as const, birthYear: 1994, serial6: '012345' };
    expect(() => makePersonalId({ ...ok, provinceCode3: '003' })).toThrow(InvalidIdentifierInputError);
    expect(() => makePersonalId({ ...ok, birthYear: 1899 })).toThrow(InvalidIdentifierInputError);
    expect(() => makePersonalId({ ...ok, serial6: '12345' })).toThrow(InvalidIdentifierInputError);
    expect(() => makePersonalId({ ...ok, serial6: '12345x' })).toThrow(/serial/);
  });
});

describe('social-insurance numbers', () => {
  it('validates 10 digits with a province prefix', () => {
    expect(validateSocialInsuranceNumber('0112000001')).toEqual({
      ok: true, value: { number: '0112000001', provinceCode: '01', serial8: '12000001' },
    });
    expect(validateSocialInsuranceNumber('3612000003').ok).toBe(true); // issued before 2025 in Nam Định
    expect(validateSocialInsuranceNumber('011200000')).toMatchObject({ ok: false, reason: 'bad_length' });
    expect(validateSocialInsuranceNumber('01120000x1')).toMatchObject({ ok: false, reason: 'non_digits' });
    expect(validateSocialInsuranceNumber('0312000001')).toMatchObject({ ok: false, reason: 'unknown_province_code' });
  });

  it('makes new numbers with a 2025 province code only', () => {
    expect(makeSocialInsuranceNumber('79', '00000042')).toBe('7900000042');
    expect(() => makeSocialInsuranceNumber('36', '00000042')).toThrow(InvalidProvinceCodeError);
    expect(() => makeSocialInsuranceNumber('79', '42')).toThrow(InvalidIdentifierInputError);
  });
});

describe('administrative codes', () => {
  it('has the 34 provinces since 1 July 2025 and maps the 63 former codes to them', () => {
    expect(PROVINCES_2025).toHaveLength(34);
    expect(new Set(PROVINCES_2025.map((p) => p.code)).size).toBe(34);
    expect(FORMER_PROVINCE_CODES.size).toBe(63);
    const names = Object.fromEntries(PROVINCES_2025.map((p) => [p.code, p.name]));
    expect(names).toMatchObject({ '01': 'Hà Nội', '79': 'TP Hồ Chí Minh', '48': 'Đà Nẵng', '31': 'Hải Phòng', '92': 'Cần Thơ', '46': 'Huế' });
    expect(currentProvinceOf('74')).toBe('79'); // Bình Dương → TP Hồ Chí Minh
    expect(currentProvinceOf('36')).toBe('37'); // Nam Định → Ninh Bình
    expect(isProvinceCode('74')).toBe(false);
    expect(isProvinceCode('01')).toBe(true);
  });

  it('validates 5-digit commune codes', () => {
    expect(isCommuneCode('00004')).toBe(true);
    expect(isCommuneCode('26734')).toBe(true);
    expect(isCommuneCode('0004')).toBe(false);
    expect(isCommuneCode('000040')).toBe(false);
    expect(isCommuneCode('0000a')).toBe(false);
    expect(isCommuneCode('00000')).toBe(false);
    expect(() => assertCommuneCode('123')).toThrow(InvalidCommuneCodeError);
    expect(new InvalidCommuneCodeError('123').code).toBe('INVALID_COMMUNE_CODE');
  });
});
