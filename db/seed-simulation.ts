/**
 * Opt-in fixture families for the procedure designer's simulations (`npm run procedures -- simulate`): each family
 * is a pensioner about to be declared dead, his wife (married in the marriage register), a son who heads the
 * household and a daughter, all permanent residents of one Hà Nội household. A simulated death-group path needs its
 * own family (a person dies only once) with a contribution history (funeral allowance) and living relatives who
 * must confirm the representative (survivor benefit), which the generated population does not have.
 *
 * Deterministic and idempotent; not part of the default seed. Their personal IDs carry the prefix 022 (born in
 * Quảng Ninh), a province the generated population is never born in, so they never collide with it.
 */
import type { Executor } from './connection';
import type { FixtureContribution, FixtureMarriage } from './seed-catalog-fixtures';
import type { FixtureHousehold, FixturePerson } from './seed-fixtures';
import { makePersonalId, type Sex } from '../domain/identifiers';
import { insertContributions, insertHouseholds, insertMarriages, insertPersons } from './seed';

export interface SimulationFamily {
  /** Alive in the population database until a simulated death registration. */
  deceased: FixturePerson;
  spouse: FixturePerson;
  /** The son: household head and the family's representative (declarant). */
  declarant: FixturePerson;
  /** The daughter: with the spouse, must confirm the representative. */
  sibling: FixturePerson;
  household: FixtureHousehold;
}

const FAMILY_NAMES = ['Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const COMMUNE = '00166'; // Phường Đống Đa, Hà Nội

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function member(i: number, role: number, sex: Sex, year: number, fullName: string, parents: { fatherId?: string; motherId?: string } = {}): FixturePerson {
  return {
    personalId: makePersonalId({ provinceCode3: '022', sex, birthYear: year, serial6: `7${pad(i, 4)}${role}` }),
    fullName,
    dateOfBirth: `${year}-0${1 + (i % 9)}-1${i % 10}`,
    sex,
    ethnicity: 'Kinh',
    nationality: 'VN',
    homeTown: '06760',
    placeOfBirth: '06760',
    fatherId: parents.fatherId ?? null,
    motherId: parents.motherId ?? null,
    deceased: false,
    socialInsuranceNumber: null,
  };
}

/** The first `count` simulation families (the same ones every time). */
export function simulationFamilies(count: number): SimulationFamily[] {
  return Array.from({ length: count }, (_, i) => {
    const family = FAMILY_NAMES[i % FAMILY_NAMES.length];
    const deceased = member(i, 1, 'male', 1944 + (i % 8), `${family} Văn Thọ`);
    const spouse = member(i, 2, 'female', 1950 + (i % 4), `Nguyễn Thị Hiền`);
    const parents = { fatherId: deceased.personalId, motherId: spouse.personalId };
    const declarant = member(i, 3, 'male', 1975 + (i % 8), `${family} Văn Minh`, parents);
    const sibling = member(i, 4, 'female', 1979 + (i % 8), `${family} Thị Thu`, parents);
    const since = '2000-01-01';
    const household: FixtureHousehold = {
      householdId: `HH-SIM-${pad(i, 4)}`,
      headId: declarant.personalId,
      provinceCode: '01',
      communeCode: COMMUNE,
      street: `Số ${i + 1} Ngõ Thái Hà`,
      members: [
        { personalId: declarant.personalId, relationToHead: 'head', since },
        { personalId: deceased.personalId, relationToHead: 'parent', since },
        { personalId: spouse.personalId, relationToHead: 'parent', since },
        { personalId: sibling.personalId, relationToHead: 'sibling', since },
      ],
    };
    return { deceased, spouse, declarant, sibling, household };
  });
}

/** A pension since 2010 after 30 years of contributions: the funeral allowance and survivor benefit are due. */
function contributionOf(f: SimulationFamily): FixtureContribution {
  return { personalId: f.deceased.personalId, compulsoryMonths: 360, averageMonthlySalary: 6_000_000, pensioner: true, pensionSince: '2010-05-01' };
}

function marriageOf(f: SimulationFamily, i: number): FixtureMarriage & { caseId: string } {
  return {
    partyAId: f.deceased.personalId,
    partyBId: f.spouse.personalId,
    communeCode: COMMUNE,
    registeredAt: '1974-03-01T02:00:00.000Z',
    certificateNumber: String(500 + i),
    caseId: `seed-simulation-marriage-${i}`,
  };
}

/** Adds the first `count` simulation families to a seeded database (idempotent). */
export async function seedSimulationFamilies(db: Executor, count: number, onProgress?: (m: string) => void): Promise<SimulationFamily[]> {
  const families = simulationFamilies(count);
  await db.transaction(async (tx) => {
    await insertPersons(tx, families.flatMap((f) => [f.deceased, f.spouse, f.declarant, f.sibling]), onProgress);
    await insertHouseholds(tx, families.map((f) => f.household), onProgress);
    await insertContributions(tx, families.map(contributionOf), onProgress);
    await insertMarriages(tx, families.map(marriageOf), onProgress);
  });
  return families;
}
