/**
 * Personal ID numbers, social-insurance numbers, province and commune codes. Pure: no I/O, no clock, no randomness
 * (callers pass the random serial in), so workflow code may import it.
 */
import { isCommuneCode, isPersonalIdProvinceCode, isProvinceCode } from './provinces';

export type Sex = 'male' | 'female';

export abstract class IdentifierError extends Error {
  abstract readonly code: string;
}

export class InvalidPersonalIdError extends IdentifierError {
  readonly code = 'INVALID_PERSONAL_ID';
  constructor(
    readonly value: string,
    readonly reason: PersonalIdInvalidReason,
  ) {
    super(`Invalid personal ID number "${value}": ${reason}`);
  }
}

export class InvalidSocialInsuranceNumberError extends IdentifierError {
  readonly code = 'INVALID_SOCIAL_INSURANCE_NUMBER';
  constructor(
    readonly value: string,
    readonly reason: SocialInsuranceInvalidReason,
  ) {
    super(`Invalid social-insurance number "${value}": ${reason}`);
  }
}

export class InvalidProvinceCodeError extends IdentifierError {
  readonly code = 'INVALID_PROVINCE_CODE';
  constructor(readonly value: string) {
    super(`Not a 2025 province code: "${value}"`);
  }
}

export class InvalidCommuneCodeError extends IdentifierError {
  readonly code = 'INVALID_COMMUNE_CODE';
  constructor(readonly value: string) {
    super(`Not a commune code (5 digits): "${value}"`);
  }
}

export class InvalidIdentifierInputError extends IdentifierError {
  readonly code = 'INVALID_IDENTIFIER_INPUT';
}

// ---------------------------------------------------------------- personal ID: PPP G YY RRRRRR

export type PersonalIdInvalidReason =
  | 'bad_length'
  | 'non_digits'
  | 'unknown_province_code'
  | 'century_sex_inconsistent';

export interface ParsedPersonalId {
  personalId: string;
  provinceCode3: string;
  sex: Sex;
  century: number; // 1900 for the 1900s
  birthYear: number;
  serial6: string;
}

export type PersonalIdValidation =
  | { ok: true; value: ParsedPersonalId }
  | { ok: false; reason: PersonalIdInvalidReason; message: string };

/** First year of the centuries the G digit encodes (Decree 137/2015): G = 2 × index (+1 for female). */
const CENTURIES = [1900, 2000, 2100, 2200, 2300];
/** Without a clock we cannot know "this year"; nobody born in the 2100s exists yet, so that is the default bound. */
const DEFAULT_MAX_BIRTH_YEAR = 2099;

export interface PersonalIdOptions {
  /** Reject birth years after this (e.g. the current year). Default 2099. The module holds no clock. */
  maxBirthYear?: number;
  /** What the register (or the declaration) says: the G and YY digits must agree with it. */
  expected?: { sex?: Sex; birthYear?: number };
}

export function validatePersonalId(s: string, opts: PersonalIdOptions = {}): PersonalIdValidation {
  if (typeof s !== 'string' || s.length !== 12) {
    return { ok: false, reason: 'bad_length', message: 'a personal ID number has 12 digits' };
  }
  if (!/^\d{12}$/.test(s)) return { ok: false, reason: 'non_digits', message: 'only digits are allowed' };
  const provinceCode3 = s.slice(0, 3);
  if (!isPersonalIdProvinceCode(provinceCode3)) {
    return { ok: false, reason: 'unknown_province_code', message: `unknown province code ${provinceCode3}` };
  }
  const g = Number(s[3]);
  const century = CENTURIES[Math.floor(g / 2)];
  const birthYear = century === undefined ? NaN : century + Number(s.slice(4, 6));
  if (century === undefined || birthYear > (opts.maxBirthYear ?? DEFAULT_MAX_BIRTH_YEAR)) {
    return {
      ok: false,
      reason: 'century_sex_inconsistent',
      message: `century/sex digit ${g} does not give a possible birth year`,
    };
  }
  const sex: Sex = g % 2 === 0 ? 'male' : 'female';
  const exp = opts.expected;
  if (exp && ((exp.sex !== undefined && exp.sex !== sex) || (exp.birthYear !== undefined && exp.birthYear !== birthYear))) {
    return {
      ok: false,
      reason: 'century_sex_inconsistent',
      message: `century/sex digit and year say ${sex} born ${birthYear}, expected ${exp.sex ?? '?'} born ${exp.birthYear ?? '?'}`,
    };
  }
  return { ok: true, value: { personalId: s, provinceCode3, sex, century, birthYear, serial6: s.slice(6) } };
}

export function isPersonalId(s: unknown, opts?: PersonalIdOptions): s is string {
  return typeof s === 'string' && validatePersonalId(s, opts).ok;
}

/** Parses or throws InvalidPersonalIdError. */
export function parsePersonalId(s: string, opts?: PersonalIdOptions): ParsedPersonalId {
  const r = validatePersonalId(s, opts);
  if (!r.ok) throw new InvalidPersonalIdError(s, r.reason);
  return r.value;
}

export interface PersonalIdParts {
  /** "0" + the 2-digit province code where the birth was registered, e.g. "001". */
  provinceCode3: string;
  sex: Sex;
  birthYear: number;
  /** Six random digits, drawn by the caller (injected generator). */
  serial6: string;
}

export function makePersonalId(parts: PersonalIdParts): string {
  const { provinceCode3, sex, birthYear, serial6 } = parts;
  if (!isPersonalIdProvinceCode(provinceCode3)) {
    throw new InvalidIdentifierInputError(`unknown province code for a personal ID: "${provinceCode3}"`);
  }
  const centuryIndex = CENTURIES.findIndex((c) => birthYear >= c && birthYear < c + 100);
  if (!Number.isInteger(birthYear) || centuryIndex < 0 || birthYear > DEFAULT_MAX_BIRTH_YEAR) {
    throw new InvalidIdentifierInputError(`birth year ${birthYear} cannot be encoded`);
  }
  if (!/^\d{6}$/.test(serial6)) throw new InvalidIdentifierInputError(`serial must be 6 digits: "${serial6}"`);
  const g = centuryIndex * 2 + (sex === 'female' ? 1 : 0);
  const yy = String(birthYear % 100).padStart(2, '0');
  return `${provinceCode3}${g}${yy}${serial6}`;
}

/** "0" + 2-digit province code: the personal ID prefix for a birth registered in that province. */
export function personalIdProvincePrefix(provinceCode2: string): string {
  return `0${provinceCode2}`;
}

/** Formats n random digits from an injected generator returning floats in [0, 1). */
export function randomDigits(n: number, random: () => number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(random() * 10) % 10;
  return out;
}

// ---------------------------------------------------------------- social-insurance number: PP + 8 digits

export type SocialInsuranceInvalidReason = 'bad_length' | 'non_digits' | 'unknown_province_code';

export type SocialInsuranceValidation =
  | { ok: true; value: { number: string; provinceCode: string; serial8: string } }
  | { ok: false; reason: SocialInsuranceInvalidReason; message: string };

export function validateSocialInsuranceNumber(s: string): SocialInsuranceValidation {
  if (typeof s !== 'string' || s.length !== 10) {
    return { ok: false, reason: 'bad_length', message: 'a social-insurance number has 10 digits' };
  }
  if (!/^\d{10}$/.test(s)) return { ok: false, reason: 'non_digits', message: 'only digits are allowed' };
  // Numbers issued before 2025 carry former province codes: accept any code ever issued.
  if (!isPersonalIdProvinceCode(`0${s.slice(0, 2)}`)) {
    return { ok: false, reason: 'unknown_province_code', message: `unknown province code ${s.slice(0, 2)}` };
  }
  return { ok: true, value: { number: s, provinceCode: s.slice(0, 2), serial8: s.slice(2) } };
}

export function makeSocialInsuranceNumber(provinceCode2: string, serial8: string): string {
  assertProvinceCode(provinceCode2);
  if (!/^\d{8}$/.test(serial8)) throw new InvalidIdentifierInputError(`serial must be 8 digits: "${serial8}"`);
  return `${provinceCode2}${serial8}`;
}

// ---------------------------------------------------------------- administrative codes

export { isCommuneCode, isProvinceCode };

export function assertProvinceCode(code: string): void {
  if (!isProvinceCode(code)) throw new InvalidProvinceCodeError(code);
}

export function assertCommuneCode(code: string): void {
  if (!isCommuneCode(code)) throw new InvalidCommuneCodeError(code);
}
