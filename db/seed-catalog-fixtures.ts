/**
 * Fixture people for the catalog procedures beyond the birth group (appended to the seed; the generated population
 * is unchanged): families where someone has just died (death not yet registered: still alive in the population
 * database), with relatives, contribution histories and pensions; unmarried adults; people with judicial records.
 */
import type { FixtureHousehold, FixturePerson } from './seed-fixtures';
import { FIXTURE_FATHER, FIXTURE_HCM_HEAD, FIXTURE_HCM_WIFE, FIXTURE_MOTHER } from './seed-fixtures';

const person = (p: Omit<FixturePerson, 'nationality' | 'deceased' | 'socialInsuranceNumber' | 'fatherId' | 'motherId'> & Partial<FixturePerson>): FixturePerson => ({
  nationality: 'VN',
  deceased: false,
  socialInsuranceNumber: null,
  fatherId: null,
  motherId: null,
  ...p,
});

// ---------------------------------------------------------------- death scenarios (Hà Nội, Phường Đống Đa 00166)

/** D1: a pensioner; wife, a son (household head) and a married daughter survive him. */
export const DEATH_PENSIONER = person({ personalId: '001050100001', fullName: 'Trần Văn Phúc', dateOfBirth: '1950-03-02', sex: 'male', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166', socialInsuranceNumber: '0113000101' });
export const DEATH_PENSIONER_WIFE = person({ personalId: '001152100002', fullName: 'Ngô Thị Hạnh', dateOfBirth: '1952-07-19', sex: 'female', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166' });
export const DEATH_PENSIONER_SON = person({ personalId: '001078100003', fullName: 'Trần Văn Khoa', dateOfBirth: '1978-10-05', sex: 'male', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166', fatherId: DEATH_PENSIONER.personalId, motherId: DEATH_PENSIONER_WIFE.personalId });
export const DEATH_PENSIONER_DAUGHTER = person({ personalId: '001181100004', fullName: 'Trần Thị Lan', dateOfBirth: '1981-01-22', sex: 'female', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166', fatherId: DEATH_PENSIONER.personalId, motherId: DEATH_PENSIONER_WIFE.personalId });

/** D2: a worker with 30 months of compulsory contributions; wife and an adult son. */
export const DEATH_WORKER = person({ personalId: '001075200001', fullName: 'Phạm Văn Đức', dateOfBirth: '1975-05-14', sex: 'male', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166', socialInsuranceNumber: '0113000201' });
export const DEATH_WORKER_WIFE = person({ personalId: '001178200002', fullName: 'Vũ Thị Thu', dateOfBirth: '1978-09-30', sex: 'female', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166' });
export const DEATH_WORKER_SON = person({ personalId: '001203200003', fullName: 'Phạm Minh Quân', dateOfBirth: '2003-02-11', sex: 'male', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166', fatherId: DEATH_WORKER.personalId, motherId: DEATH_WORKER_WIFE.personalId });

/** D3: 6 months of contributions only (no funeral allowance unless a work accident); his mother survives him. */
export const DEATH_SHORT_CONTRIBUTOR_MOTHER = person({ personalId: '001165300002', fullName: 'Lê Thị Nga', dateOfBirth: '1965-12-01', sex: 'female', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166' });
export const DEATH_SHORT_CONTRIBUTOR = person({ personalId: '001090300001', fullName: 'Lê Văn Tâm', dateOfBirth: '1990-06-17', sex: 'male', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166', motherId: DEATH_SHORT_CONTRIBUTOR_MOTHER.personalId, socialInsuranceNumber: '0113000301' });

/** D4: a pensioner; wife, a son (household head) and a daughter. */
export const DEATH_PENSIONER_2 = person({ personalId: '001048400001', fullName: 'Đỗ Văn Hải', dateOfBirth: '1948-08-08', sex: 'male', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166', socialInsuranceNumber: '0113000401' });
export const DEATH_PENSIONER_2_WIFE = person({ personalId: '001150400002', fullName: 'Bùi Thị Mai', dateOfBirth: '1950-04-25', sex: 'female', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166' });
export const DEATH_PENSIONER_2_SON = person({ personalId: '001072400003', fullName: 'Đỗ Văn Long', dateOfBirth: '1972-11-13', sex: 'male', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166', fatherId: DEATH_PENSIONER_2.personalId, motherId: DEATH_PENSIONER_2_WIFE.personalId });
export const DEATH_PENSIONER_2_DAUGHTER = person({ personalId: '001175400004', fullName: 'Đỗ Thị Hằng', dateOfBirth: '1975-03-03', sex: 'female', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166', fatherId: DEATH_PENSIONER_2.personalId, motherId: DEATH_PENSIONER_2_WIFE.personalId });

/** D5: 150 months of contributions, not yet a pensioner; wife and son. */
export const DEATH_CONTRIBUTOR = person({ personalId: '001060500001', fullName: 'Hoàng Văn Nam', dateOfBirth: '1960-01-09', sex: 'male', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166', socialInsuranceNumber: '0113000501' });
export const DEATH_CONTRIBUTOR_WIFE = person({ personalId: '001162500002', fullName: 'Đinh Thị Vân', dateOfBirth: '1962-06-06', sex: 'female', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166' });
export const DEATH_CONTRIBUTOR_SON = person({ personalId: '001088500003', fullName: 'Hoàng Văn Việt', dateOfBirth: '1988-12-20', sex: 'male', ethnicity: 'Kinh', homeTown: '00166', placeOfBirth: '00166', fatherId: DEATH_CONTRIBUTOR.personalId, motherId: DEATH_CONTRIBUTOR_WIFE.personalId });

// ---------------------------------------------------------------- unmarried adults (marriage scenarios)

export const UNMARRIED_MAN = person({ personalId: '001098600001', fullName: 'Nguyễn Văn Toàn', dateOfBirth: '1998-04-04', sex: 'male', ethnicity: 'Kinh', homeTown: '00070', placeOfBirth: '00070' });
export const UNMARRIED_WOMAN = person({ personalId: '001300600002', fullName: 'Trịnh Thị Ngọc', dateOfBirth: '2000-08-15', sex: 'female', ethnicity: 'Kinh', homeTown: '00070', placeOfBirth: '00070' });
export const UNMARRIED_MAN_2 = person({ personalId: '001095600003', fullName: 'Đặng Văn Bảo', dateOfBirth: '1995-02-27', sex: 'male', ethnicity: 'Kinh', homeTown: '00256', placeOfBirth: '00256' });
export const UNMARRIED_WOMAN_2 = person({ personalId: '001197600004', fullName: 'Mai Thị Yến', dateOfBirth: '1997-10-10', sex: 'female', ethnicity: 'Tày', homeTown: '00256', placeOfBirth: '00256' });
/** 18 in 2026: under the marriage age for men (20). */
export const UNDERAGE_MAN = person({ personalId: '001208600005', fullName: 'Cao Văn Nhật', dateOfBirth: '2008-05-05', sex: 'male', ethnicity: 'Kinh', homeTown: '00256', placeOfBirth: '00256' });

// ---------------------------------------------------------------- judicial records

/** A conviction not yet expunged. */
export const CONVICTED = person({ personalId: '001085700001', fullName: 'Lý Văn Hưng', dateOfBirth: '1985-07-07', sex: 'male', ethnicity: 'Kinh', homeTown: '00004', placeOfBirth: '00004' });
/** An expunged conviction: shown on a type 2 certificate only. */
export const CONVICTION_EXPUNGED = person({ personalId: '001188700002', fullName: 'Tạ Thị Hoa', dateOfBirth: '1988-03-18', sex: 'female', ethnicity: 'Kinh', homeTown: '00004', placeOfBirth: '00004' });

/** Parents before children (insert order). */
export const CATALOG_FIXTURE_PEOPLE: readonly FixturePerson[] = [
  DEATH_PENSIONER, DEATH_PENSIONER_WIFE, DEATH_PENSIONER_SON, DEATH_PENSIONER_DAUGHTER,
  DEATH_WORKER, DEATH_WORKER_WIFE, DEATH_WORKER_SON,
  DEATH_SHORT_CONTRIBUTOR_MOTHER, DEATH_SHORT_CONTRIBUTOR,
  DEATH_PENSIONER_2, DEATH_PENSIONER_2_WIFE, DEATH_PENSIONER_2_SON, DEATH_PENSIONER_2_DAUGHTER,
  DEATH_CONTRIBUTOR, DEATH_CONTRIBUTOR_WIFE, DEATH_CONTRIBUTOR_SON,
  UNMARRIED_MAN, UNMARRIED_WOMAN, UNMARRIED_MAN_2, UNMARRIED_WOMAN_2, UNDERAGE_MAN,
  CONVICTED, CONVICTION_EXPUNGED,
];

const hh = (id: string, head: FixturePerson, street: string, members: [FixturePerson, string, string][]): FixtureHousehold => ({
  householdId: id,
  headId: head.personalId,
  provinceCode: '01',
  communeCode: '00166',
  street,
  members: members.map(([p, relationToHead, since]) => ({ personalId: p.personalId, relationToHead, since })),
});

export const CATALOG_FIXTURE_HOUSEHOLDS: readonly FixtureHousehold[] = [
  hh('HH-FIX-HN-D1', DEATH_PENSIONER_SON, 'Số 7 Ngõ Văn Chương', [
    [DEATH_PENSIONER_SON, 'head', '2005-01-10'],
    [DEATH_PENSIONER, 'parent', '2005-01-10'],
    [DEATH_PENSIONER_WIFE, 'parent', '2005-01-10'],
  ]),
  hh('HH-FIX-HN-D2', DEATH_WORKER, 'Số 21 Phố Tây Sơn', [
    [DEATH_WORKER, 'head', '2001-06-01'],
    [DEATH_WORKER_WIFE, 'spouse', '2002-03-08'],
    [DEATH_WORKER_SON, 'child', '2003-03-01'],
  ]),
  hh('HH-FIX-HN-D3', DEATH_SHORT_CONTRIBUTOR_MOTHER, 'Số 3 Ngõ Thổ Quan', [
    [DEATH_SHORT_CONTRIBUTOR_MOTHER, 'head', '1995-09-09'],
    [DEATH_SHORT_CONTRIBUTOR, 'child', '1995-09-09'],
  ]),
  hh('HH-FIX-HN-D4', DEATH_PENSIONER_2_SON, 'Số 45 Phố Khâm Thiên', [
    [DEATH_PENSIONER_2_SON, 'head', '2000-02-02'],
    [DEATH_PENSIONER_2, 'parent', '2000-02-02'],
    [DEATH_PENSIONER_2_WIFE, 'parent', '2000-02-02'],
  ]),
  hh('HH-FIX-HN-D5', DEATH_CONTRIBUTOR, 'Số 12 Phố Chùa Bộc', [
    [DEATH_CONTRIBUTOR, 'head', '1990-10-10'],
    [DEATH_CONTRIBUTOR_WIFE, 'spouse', '1990-10-10'],
    [DEATH_CONTRIBUTOR_SON, 'child', '1990-12-25'],
  ]),
];

export interface FixtureContribution {
  personalId: string;
  compulsoryMonths: number;
  averageMonthlySalary: number;
  pensioner: boolean;
  pensionSince: string | null;
}

export const CATALOG_FIXTURE_CONTRIBUTIONS: readonly FixtureContribution[] = [
  { personalId: DEATH_PENSIONER.personalId, compulsoryMonths: 372, averageMonthlySalary: 6_500_000, pensioner: true, pensionSince: '2010-04-01' },
  { personalId: DEATH_WORKER.personalId, compulsoryMonths: 30, averageMonthlySalary: 8_000_000, pensioner: false, pensionSince: null },
  { personalId: DEATH_SHORT_CONTRIBUTOR.personalId, compulsoryMonths: 6, averageMonthlySalary: 7_000_000, pensioner: false, pensionSince: null },
  { personalId: DEATH_PENSIONER_2.personalId, compulsoryMonths: 340, averageMonthlySalary: 5_800_000, pensioner: true, pensionSince: '2008-09-01' },
  { personalId: DEATH_CONTRIBUTOR.personalId, compulsoryMonths: 150, averageMonthlySalary: 9_000_000, pensioner: false, pensionSince: null },
];

export interface FixtureMarriage {
  partyAId: string;
  partyBId: string;
  communeCode: string;
  registeredAt: string;
  certificateNumber: string;
}

/** Marriages registered before the engine (no register-book entry of ours): the marital status of the couples. */
export const CATALOG_FIXTURE_MARRIAGES: readonly FixtureMarriage[] = [
  { partyAId: FIXTURE_FATHER.personalId, partyBId: FIXTURE_MOTHER.personalId, communeCode: '00004', registeredAt: '2021-03-01T02:00:00.000Z', certificateNumber: '12' },
  { partyAId: FIXTURE_HCM_HEAD.personalId, partyBId: FIXTURE_HCM_WIFE.personalId, communeCode: '26734', registeredAt: '2019-04-01T02:00:00.000Z', certificateNumber: '31' },
  { partyAId: DEATH_PENSIONER.personalId, partyBId: DEATH_PENSIONER_WIFE.personalId, communeCode: '00166', registeredAt: '1976-05-01T02:00:00.000Z', certificateNumber: '08' },
  { partyAId: DEATH_WORKER.personalId, partyBId: DEATH_WORKER_WIFE.personalId, communeCode: '00166', registeredAt: '2002-02-20T02:00:00.000Z', certificateNumber: '15' },
  { partyAId: DEATH_PENSIONER_2.personalId, partyBId: DEATH_PENSIONER_2_WIFE.personalId, communeCode: '00166', registeredAt: '1970-01-15T02:00:00.000Z', certificateNumber: '03' },
  { partyAId: DEATH_CONTRIBUTOR.personalId, partyBId: DEATH_CONTRIBUTOR_WIFE.personalId, communeCode: '00166', registeredAt: '1986-11-11T02:00:00.000Z', certificateNumber: '21' },
];

export interface FixtureConviction {
  personalId: string;
  judgmentRef: string;
  court: string;
  date: string;
  offence: string;
  sentence: string;
  expunged: boolean;
}

export const CATALOG_FIXTURE_CONVICTIONS: readonly FixtureConviction[] = [
  { personalId: CONVICTED.personalId, judgmentRef: 'BA-2019-HN-0457', court: 'Tòa án nhân dân thành phố Hà Nội', date: '2019-11-20', offence: 'Trộm cắp tài sản (Art. 173 Criminal Code)', sentence: '24 months imprisonment', expunged: false },
  { personalId: CONVICTION_EXPUNGED.personalId, judgmentRef: 'BA-2010-HN-0112', court: 'Tòa án nhân dân quận Hoàn Kiếm', date: '2010-06-02', offence: 'Gây rối trật tự công cộng (Art. 318 Criminal Code)', sentence: 'non-custodial reform 12 months', expunged: true },
];

// ---------------------------------------------------------------- employment (unemployment insurance)

export interface FixtureEmployment {
  personalId: string;
  lastEmployer: string;
  contractEndedAt: string;
  unemploymentInsuranceMonths: number;
  averageMonthlySalary: number;
}

/** `today` minus whole days (ISO dates). */
function daysBefore(today: string, days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Contracts that ended shortly before `today` (the seeding day), so an unemployment claim filed after seeding is
 * inside the 3-month filing window whatever the day: the first is entitled, the second has too few months.
 */
export function catalogFixtureEmployment(today: string): FixtureEmployment[] {
  return [
    { personalId: UNMARRIED_MAN_2.personalId, lastEmployer: 'Công ty TNHH May Đống Đa', contractEndedAt: daysBefore(today, 20), unemploymentInsuranceMonths: 30, averageMonthlySalary: 9_000_000 },
    { personalId: DEATH_WORKER_SON.personalId, lastEmployer: 'Công ty CP Thực phẩm Hà Nội', contractEndedAt: daysBefore(today, 40), unemploymentInsuranceMonths: 8, averageMonthlySalary: 6_500_000 },
  ];
}
