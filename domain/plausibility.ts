/**
 * Facts a register accepts only when they are consistent (DOMAIN.md, "Reference lists for validation"). Pure
 * checks, used by the registry adapters themselves (so no caller can skip them) and by the API when an application
 * is received (so an impossible fact is refused before a case starts). Each refusal has a stable code naming the
 * rule, and names the field. Dates are ISO yyyy-mm-dd; "today" is passed in (Vietnam's local date).
 */
import { findCommune } from './communes';
import { isProvinceCode } from './provinces';

/** One code per rule. */
export const FACT_RULES = {
  DATE_IN_FUTURE: 'a date of birth or death cannot be in the future',
  BORN_BEFORE_PARENT: 'a child is born after each parent',
  PARENT_AGE_IMPLAUSIBLE: 'a parent is of a plausible age at the birth (mother 12–60, father at least 12)',
  DATE_BEFORE_BIRTH: 'a death cannot precede the birth',
  UNKNOWN_COMMUNE: 'a commune code must be in the commune table',
  COMMUNE_NOT_IN_PROVINCE: 'the commune must belong to the given province',
  UNKNOWN_PROVINCE: 'a province code must be one of the 34 provinces',
  UNKNOWN_ETHNICITY: 'the ethnicity must be one of the 54 recognised groups (or foreign origin)',
  UNKNOWN_NATIONALITY: 'the nationality must be an ISO 3166-1 alpha-2 code',
  BIRTH_NOTICE_ALREADY_USED: 'a medical birth notice number is used for one registration only',
  BIRTH_ALREADY_RECORDED: 'one birth registration per child (same mother, date of birth and name)',
  PERSON_DECEASED: 'a person recorded as deceased cannot apply, consent, confirm, declare or be registered anew',
} as const;
export type FactRule = keyof typeof FACT_RULES;
export const FACT_RULE_CODES = Object.keys(FACT_RULES) as FactRule[];

/** A fact a register refuses: `code` names the rule, `field` the field. */
export class InconsistentFactError extends Error {
  readonly rule: string;
  constructor(
    readonly code: FactRule,
    readonly field: string,
    detail: string,
    readonly existing?: Record<string, string>,
  ) {
    super(`${field}: ${detail} (${FACT_RULES[code]})`);
    this.rule = FACT_RULES[code];
  }
}

/** The 54 officially recognised ethnic groups (codes 01–54, in order), and foreign origin for naturalised citizens. */
export const ETHNIC_GROUPS: readonly string[] = [
  'Kinh', 'Tày', 'Thái', 'Mường', 'Khmer', 'Hoa', 'Nùng', 'Mông', 'Dao', 'Gia Rai', 'Ê Đê', 'Ba Na', 'Sán Chay', 'Chăm',
  'Cơ Ho', 'Xơ Đăng', 'Sán Dìu', 'Hrê', 'Raglai', 'Mnông', 'Thổ', 'Xtiêng', 'Khơ Mú', 'Bru-Vân Kiều', 'Cơ Tu', 'Giáy',
  'Tà Ôi', 'Mạ', 'Giẻ-Triêng', 'Co', 'Chơ Ro', 'Xinh Mun', 'Hà Nhì', 'Chu Ru', 'Lào', 'La Chí', 'Kháng', 'Phù Lá',
  'La Hủ', 'La Ha', 'Pà Thẻn', 'Lự', 'Ngái', 'Chứt', 'Lô Lô', 'Mảng', 'Cơ Lao', 'Bố Y', 'Cống', 'Si La', 'Pu Péo',
  'Rơ Măm', 'Brâu', 'Ơ Đu',
];
export const FOREIGN_ORIGIN = 'foreign origin';
/** Spellings in common use for official names. */
const ETHNIC_ALIASES: Record<string, string> = { "H'Mông": 'Mông', 'Hmông': 'Mông', "M'Nông": 'Mnông', 'Ê-đê': 'Ê Đê', 'Bru - Vân Kiều': 'Bru-Vân Kiều' };
const ethnicNames = new Set([...ETHNIC_GROUPS, FOREIGN_ORIGIN].map((e) => e.normalize('NFC').toLowerCase()));

export function isEthnicGroup(name: string): boolean {
  const n = name.trim().normalize('NFC');
  return ethnicNames.has((ETHNIC_ALIASES[n] ?? n).toLowerCase());
}

/** ISO 3166-1 alpha-2 country codes. */
const ISO_COUNTRIES = new Set(
  ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC ' +
    'CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD ' +
    'GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH ' +
    'KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW ' +
    'MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC ' +
    'SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY ' +
    'UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' '),
);

export function isNationality(code: string): boolean {
  return ISO_COUNTRIES.has(code);
}

/** Whole years between two ISO dates (age at `on` of someone born `born`). */
export function yearsBetween(born: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(born.slice(0, 4));
  return on.slice(5) < born.slice(5) ? years - 1 : years;
}

export function checkNotFuture(field: string, date: string, today: string): void {
  if (date > today) throw new InconsistentFactError('DATE_IN_FUTURE', field, `${date} is after today (${today})`);
}

export function checkCommune(field: string, communeCode: string, provinceField?: string, provinceCode?: string): void {
  const commune = findCommune(communeCode);
  if (!commune || commune.retired) throw new InconsistentFactError('UNKNOWN_COMMUNE', field, `no commune ${communeCode}`);
  if (provinceField !== undefined && provinceCode !== undefined) {
    if (!isProvinceCode(provinceCode)) throw new InconsistentFactError('UNKNOWN_PROVINCE', provinceField, `no province ${provinceCode}`);
    if (commune.provinceCode !== provinceCode) {
      throw new InconsistentFactError('COMMUNE_NOT_IN_PROVINCE', field, `commune ${communeCode} (${commune.name}) is in province ${commune.provinceCode}, not ${provinceCode}`);
    }
  }
}

export function checkEthnicity(field: string, name: string): void {
  if (!isEthnicGroup(name)) throw new InconsistentFactError('UNKNOWN_ETHNICITY', field, `"${name}" is not a recognised ethnic group`);
}

export function checkNationality(field: string, code: string): void {
  if (!isNationality(code)) throw new InconsistentFactError('UNKNOWN_NATIONALITY', field, `"${code}" is not a country code`);
}

export interface ParentFacts {
  dateOfBirth: string;
  deceased?: boolean;
}

/** A child's birth facts: not in the future, after each parent, the parents of a plausible age. */
export function checkBirthDates(
  today: string,
  child: { field: string; dateOfBirth: string },
  parents: { mother?: ParentFacts | null; father?: ParentFacts | null },
): void {
  checkNotFuture(child.field, child.dateOfBirth, today);
  for (const [role, p, min, max] of [['mother', parents.mother, 12, 60], ['father', parents.father, 12, 120]] as const) {
    if (!p) continue;
    if (child.dateOfBirth <= p.dateOfBirth) {
      throw new InconsistentFactError('BORN_BEFORE_PARENT', child.field, `${child.dateOfBirth} is not after the ${role}'s birth (${p.dateOfBirth})`);
    }
    const age = yearsBetween(p.dateOfBirth, child.dateOfBirth);
    if (age < min || age > max) {
      throw new InconsistentFactError('PARENT_AGE_IMPLAUSIBLE', child.field, `the ${role} would be ${age} at the birth`);
    }
  }
}

/** A person recorded as deceased cannot act in any role (`field` names the role, e.g. "applicant.personalId"). */
export function checkAlive(field: string, person: { personalId: string; deceased: boolean } | null | undefined): void {
  if (person?.deceased) throw new InconsistentFactError('PERSON_DECEASED', field, `${person.personalId} is recorded as deceased`);
}

/** Same name, whatever the spacing, case or Unicode form. */
export function sameName(a: string, b: string): boolean {
  const n = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
  return n(a) === n(b);
}
