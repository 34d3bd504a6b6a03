/**
 * Well-known people every seeded database contains, for tests and demos. Their IDs are fixed (and valid:
 * province prefix, century/sex digit and birth year agree with the record).
 */
import type { PersonRecord } from '../domain/registries';

export interface FixturePerson extends PersonRecord {
  socialInsuranceNumber: string | null;
}

const person = (p: Omit<FixturePerson, 'nationality' | 'deceased'> & Partial<FixturePerson>): FixturePerson => ({
  nationality: 'VN',
  deceased: false,
  ...p,
});

/** Head of the Hà Nội household the married couple live in (the father's father). */
export const FIXTURE_HOUSEHOLD_HEAD = person({
  personalId: '001062004321',
  fullName: 'Nguyễn Văn Hùng',
  dateOfBirth: '1962-04-12',
  sex: 'male',
  ethnicity: 'Kinh',
  homeTown: '00004',
  placeOfBirth: '00004',
  fatherId: null,
  motherId: null,
  socialInsuranceNumber: '0112000001',
});

export const FIXTURE_GRANDMOTHER = person({
  personalId: '001165007788',
  fullName: 'Lê Thị Hoa',
  dateOfBirth: '1965-09-03',
  sex: 'female',
  ethnicity: 'Kinh',
  homeTown: '00070',
  placeOfBirth: '00070',
  fatherId: null,
  motherId: null,
  socialInsuranceNumber: null,
});

/** The married couple of child-bearing age in Hà Nội (Ba Đình ward): parents-to-be in birth-group tests. */
export const FIXTURE_FATHER = person({
  personalId: '001094012345',
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1994-08-20',
  sex: 'male',
  ethnicity: 'Kinh',
  homeTown: '00004',
  placeOfBirth: '00004',
  fatherId: FIXTURE_HOUSEHOLD_HEAD.personalId,
  motherId: FIXTURE_GRANDMOTHER.personalId,
  socialInsuranceNumber: '0112000002',
});

/** Born in the former Nam Định province: her ID keeps the old prefix 036 (now part of Ninh Bình). */
export const FIXTURE_MOTHER = person({
  personalId: '036196023456',
  fullName: 'Trần Thị Bình',
  dateOfBirth: '1996-02-15',
  sex: 'female',
  ethnicity: 'Kinh',
  homeTown: '13597',
  placeOfBirth: '13597',
  fatherId: null,
  motherId: null,
  socialInsuranceNumber: '3612000003',
});

/** A head of a one-person household in Đà Nẵng. */
export const FIXTURE_SINGLE_HEAD = person({
  personalId: '048185000777',
  fullName: 'Hoàng Thị Mai',
  dateOfBirth: '1985-11-30',
  sex: 'female',
  ethnicity: 'Kinh',
  homeTown: '20194',
  placeOfBirth: '20194',
  fatherId: null,
  motherId: null,
  socialInsuranceNumber: '4812000004',
});

/** A couple in TP Hồ Chí Minh where the husband is the household head. */
export const FIXTURE_HCM_HEAD = person({
  personalId: '079090003210',
  fullName: 'Lê Minh Tuấn',
  dateOfBirth: '1990-06-01',
  sex: 'male',
  ethnicity: 'Kinh',
  homeTown: '26734',
  placeOfBirth: '26734',
  fatherId: null,
  motherId: null,
  socialInsuranceNumber: '7912000005',
});

export const FIXTURE_HCM_WIFE = person({
  personalId: '079192004567',
  fullName: 'Phạm Thị Lan',
  dateOfBirth: '1992-12-24',
  sex: 'female',
  ethnicity: 'Hoa',
  homeTown: '26743',
  placeOfBirth: '26743',
  fatherId: null,
  motherId: null,
  socialInsuranceNumber: '7912000006',
});

/** A deceased person (for death-group scenarios: must not be registered as a parent or resident again). */
export const FIXTURE_DECEASED = person({
  personalId: '001048000999',
  fullName: 'Nguyễn Văn Lộc',
  dateOfBirth: '1948-01-20',
  sex: 'male',
  ethnicity: 'Kinh',
  homeTown: '00004',
  placeOfBirth: '00004',
  fatherId: null,
  motherId: null,
  socialInsuranceNumber: null,
  deceased: true,
});

/** Parents before children (insert order). */
export const FIXTURE_PEOPLE: readonly FixturePerson[] = [
  FIXTURE_HOUSEHOLD_HEAD,
  FIXTURE_GRANDMOTHER,
  FIXTURE_FATHER,
  FIXTURE_MOTHER,
  FIXTURE_SINGLE_HEAD,
  FIXTURE_HCM_HEAD,
  FIXTURE_HCM_WIFE,
  FIXTURE_DECEASED,
];

export interface FixtureHousehold {
  householdId: string;
  headId: string;
  provinceCode: string;
  communeCode: string;
  street: string;
  members: { personalId: string; relationToHead: string; since: string }[];
}

export const FIXTURE_HOUSEHOLD_HANOI: FixtureHousehold = {
  householdId: 'HH-FIX-HN-01',
  headId: FIXTURE_HOUSEHOLD_HEAD.personalId,
  provinceCode: '01',
  communeCode: '00004',
  street: 'Số 18 Phố Quán Thánh',
  members: [
    { personalId: FIXTURE_HOUSEHOLD_HEAD.personalId, relationToHead: 'head', since: '1990-05-10' },
    { personalId: FIXTURE_GRANDMOTHER.personalId, relationToHead: 'spouse', since: '1990-05-10' },
    { personalId: FIXTURE_FATHER.personalId, relationToHead: 'child', since: '1994-09-01' },
    { personalId: FIXTURE_MOTHER.personalId, relationToHead: 'child-in-law', since: '2021-03-15' },
  ],
};

export const FIXTURE_HOUSEHOLD_DANANG: FixtureHousehold = {
  householdId: 'HH-FIX-DN-01',
  headId: FIXTURE_SINGLE_HEAD.personalId,
  provinceCode: '48',
  communeCode: '20194',
  street: 'Số 5 Đường Bạch Đằng',
  members: [{ personalId: FIXTURE_SINGLE_HEAD.personalId, relationToHead: 'head', since: '2012-07-01' }],
};

export const FIXTURE_HOUSEHOLD_HCM: FixtureHousehold = {
  householdId: 'HH-FIX-HCM-01',
  headId: FIXTURE_HCM_HEAD.personalId,
  provinceCode: '79',
  communeCode: '26734',
  street: 'Số 120 Đường Nguyễn Huệ',
  members: [
    { personalId: FIXTURE_HCM_HEAD.personalId, relationToHead: 'head', since: '2018-01-15' },
    { personalId: FIXTURE_HCM_WIFE.personalId, relationToHead: 'spouse', since: '2019-04-20' },
  ],
};

export const FIXTURE_HOUSEHOLDS: readonly FixtureHousehold[] = [
  FIXTURE_HOUSEHOLD_HANOI,
  FIXTURE_HOUSEHOLD_DANANG,
  FIXTURE_HOUSEHOLD_HCM,
];
