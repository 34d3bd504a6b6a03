/**
 * Seeds the registries with the fixture people and a deterministic synthetic population.
 * Idempotent: IDs are deterministic per seed and every insert is ON CONFLICT DO NOTHING, so a second run adds nothing.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from './connection';
import { FIXTURE_HOUSEHOLDS, FIXTURE_PEOPLE, type FixturePerson } from './seed-fixtures';
import { generatePopulation, type GeneratedCard, type GeneratedHousehold } from './seed-generate';
import {
  CATALOG_FIXTURE_CONTRIBUTIONS,
  CATALOG_FIXTURE_CONVICTIONS,
  CATALOG_FIXTURE_EMPLOYMENT,
  CATALOG_FIXTURE_HOUSEHOLDS,
  CATALOG_FIXTURE_MARRIAGES,
  CATALOG_FIXTURE_PEOPLE,
} from './seed-catalog-fixtures';


export * from './seed-fixtures';
export * from './seed-catalog-fixtures';
export { generatePopulation } from './seed-generate';

export interface SeedOptions {
  /** Synthetic people besides the fixtures (default 10,000). */
  people?: number;
  seed?: number;
  /** Ages and insurance periods are computed at this date. Default 2026-07-01. */
  referenceDate?: string;
  onProgress?: (message: string) => void;
}

export interface SeedResult {
  /** Rows inserted by this run (0 when the seed had already run). */
  inserted: { persons: number; households: number; members: number; socialInsuranceNumbers: number; cards: number };
  /** Rows the seed describes (fixtures + generated). */
  total: { persons: number; households: number; socialInsuranceNumbers: number; cards: number };
}

const BATCH = 5000;

type Column = readonly [name: string, pgType: string];

/**
 * Bulk insert through one JSON parameter (json_to_recordset): several times faster than multi-row VALUES on PGlite.
 * Rows are keyed by column name; conflicts are skipped. Returns the number of rows inserted.
 */
async function insertJson(
  db: Executor,
  table: string,
  columns: readonly Column[],
  rows: readonly Record<string, unknown>[],
  label: string,
  onProgress?: (m: string) => void,
): Promise<number> {
  const names = sql.raw(columns.map(([n]) => n).join(', '));
  const types = sql.raw(columns.map(([n, t]) => `${n} ${t}`).join(', '));
  let inserted = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = JSON.stringify(rows.slice(i, i + BATCH));
    const result: any = await db.execute(
      sql`insert into ${sql.raw(table)} (${names}) select ${names} from json_to_recordset(${batch}::json) as x(${types})
          on conflict do nothing returning 1`,
    );
    inserted += Array.isArray(result) ? result.length : result.rows.length;
  }
  onProgress?.(`${label}: ${inserted} of ${rows.length} inserted`);
  return inserted;
}

const fixtureCards: GeneratedCard[] = FIXTURE_PEOPLE.filter((p) => p.socialInsuranceNumber && !p.deceased).map((p) => ({
  cardNumber: `GD4${p.socialInsuranceNumber!.slice(0, 2)}${p.socialInsuranceNumber}`,
  socialInsuranceNumber: p.socialInsuranceNumber!,
  personalId: p.personalId,
  validFrom: '2026-01-01',
  validTo: '2026-12-31',
  beneficiaryGroup: 'GD',
}));

export async function seedPopulation(db: Executor, options: SeedOptions = {}): Promise<SeedResult> {
  const { people = 10_000, seed = 42, referenceDate = '2026-07-01', onProgress } = options;
  const gen = generatePopulation({
    people,
    seed,
    referenceDate,
    reservedPersonalIds: [...FIXTURE_PEOPLE, ...CATALOG_FIXTURE_PEOPLE].map((p) => p.personalId),
    reservedSocialInsuranceNumbers: [...FIXTURE_PEOPLE, ...CATALOG_FIXTURE_PEOPLE].flatMap((p) => (p.socialInsuranceNumber ? [p.socialInsuranceNumber] : [])),
  });
  onProgress?.(`generated ${gen.persons.length} people in ${gen.households.length} households (seed ${seed})`);

  const allPersons: FixturePerson[] = [...FIXTURE_PEOPLE, ...gen.persons, ...CATALOG_FIXTURE_PEOPLE];
  const allHouseholds: GeneratedHousehold[] = [...FIXTURE_HOUSEHOLDS, ...gen.households, ...CATALOG_FIXTURE_HOUSEHOLDS];
  const allSi = [
    ...[...FIXTURE_PEOPLE, ...CATALOG_FIXTURE_PEOPLE].flatMap((p) =>
      p.socialInsuranceNumber
        ? [{ number: p.socialInsuranceNumber, personalId: p.personalId, provinceCode: p.socialInsuranceNumber.slice(0, 2) }]
        : [],
    ),
    ...gen.socialInsurance,
  ];
  const allCards = [...fixtureCards, ...gen.cards];
  const inserted = { persons: 0, households: 0, members: 0, socialInsuranceNumbers: 0, cards: 0 };
  // One transaction: a half-seeded database is worse than none. Parents come before children in `allPersons`.
  await db.transaction(async (tx) => {
    inserted.persons = await insertJson(
      tx,
      'persons',
      [
        ['personal_id', 'char(12)'], ['full_name', 'text'], ['date_of_birth', 'date'], ['sex', 'text'],
        ['ethnicity', 'text'], ['nationality', 'char(2)'], ['home_town', 'char(5)'], ['place_of_birth', 'char(5)'],
        ['father_id', 'char(12)'], ['mother_id', 'char(12)'], ['deceased', 'boolean'],
      ],
      allPersons.map((p) => ({
        personal_id: p.personalId, full_name: p.fullName, date_of_birth: p.dateOfBirth, sex: p.sex,
        ethnicity: p.ethnicity, nationality: p.nationality, home_town: p.homeTown, place_of_birth: p.placeOfBirth,
        father_id: p.fatherId, mother_id: p.motherId, deceased: p.deceased,
      })),
      'persons',
      onProgress,
    );
    inserted.households = await insertJson(
      tx,
      'households',
      [['household_id', 'text'], ['head_id', 'char(12)'], ['province_code', 'char(2)'], ['commune_code', 'char(5)'], ['street', 'text']],
      allHouseholds.map((h) => ({
        household_id: h.householdId, head_id: h.headId, province_code: h.provinceCode, commune_code: h.communeCode, street: h.street,
      })),
      'households',
      onProgress,
    );
    inserted.members = await insertJson(
      tx,
      'household_members',
      [['personal_id', 'char(12)'], ['household_id', 'text'], ['relation_to_head', 'text'], ['since', 'date']],
      allHouseholds.flatMap((h) =>
        h.members.map((m) => ({ personal_id: m.personalId, household_id: h.householdId, relation_to_head: m.relationToHead, since: m.since })),
      ),
      'household members',
      onProgress,
    );
    inserted.socialInsuranceNumbers = await insertJson(
      tx,
      'social_insurance_numbers',
      [['number', 'char(10)'], ['personal_id', 'char(12)'], ['province_code', 'char(2)']],
      allSi.map((n) => ({ number: n.number, personal_id: n.personalId, province_code: n.provinceCode })),
      'social-insurance numbers',
      onProgress,
    );
    inserted.cards = await insertJson(
      tx,
      'health_insurance_cards',
      [
        ['card_number', 'text'], ['social_insurance_number', 'char(10)'], ['personal_id', 'char(12)'],
        ['valid_from', 'date'], ['valid_to', 'date'], ['beneficiary_group', 'text'],
      ],
      allCards.map((c) => ({
        card_number: c.cardNumber, social_insurance_number: c.socialInsuranceNumber, personal_id: c.personalId,
        valid_from: c.validFrom, valid_to: c.validTo, beneficiary_group: c.beneficiaryGroup,
      })),
      'health-insurance cards',
      onProgress,
    );
    // Catalog fixtures beyond the birth group: contribution histories, marriages, convictions.
    await insertJson(
      tx,
      'contribution_records',
      [['personal_id', 'char(12)'], ['compulsory_months', 'integer'], ['average_monthly_salary', 'bigint'], ['pensioner', 'boolean'], ['pension_since', 'date']],
      CATALOG_FIXTURE_CONTRIBUTIONS.map((c) => ({
        personal_id: c.personalId, compulsory_months: c.compulsoryMonths, average_monthly_salary: c.averageMonthlySalary,
        pensioner: c.pensioner, pension_since: c.pensionSince,
      })),
      'contribution records',
      onProgress,
    );
    await insertJson(
      tx,
      'marriage_registrations',
      [
        ['party_a_id', 'char(12)'], ['party_b_id', 'char(12)'], ['commune_code', 'char(5)'], ['registered_at', 'timestamptz'],
        ['entry_number', 'integer'], ['certificate_number', 'text'], ['case_id', 'text'],
      ],
      CATALOG_FIXTURE_MARRIAGES.map((m) => ({
        party_a_id: m.partyAId, party_b_id: m.partyBId, commune_code: m.communeCode, registered_at: m.registeredAt,
        entry_number: Number(m.certificateNumber), certificate_number: m.certificateNumber,
        case_id: `seed-marriage-${m.partyAId}-${m.partyBId}`,
      })),
      'marriages',
      onProgress,
    );
    await insertJson(
      tx,
      'convictions',
      [['personal_id', 'char(12)'], ['judgment_ref', 'text'], ['court', 'text'], ['date', 'date'], ['offence', 'text'], ['sentence', 'text'], ['expunged', 'boolean']],
      CATALOG_FIXTURE_CONVICTIONS.map((c) => ({
        personal_id: c.personalId, judgment_ref: c.judgmentRef, court: c.court, date: c.date, offence: c.offence,
        sentence: c.sentence, expunged: c.expunged,
      })),
      'convictions',
      onProgress,
    );
    await insertJson(
      tx,
      'employment_records',
      [['personal_id', 'char(12)'], ['last_employer', 'text'], ['contract_ended_at', 'date'], ['unemployment_insurance_months', 'integer'], ['average_monthly_salary', 'bigint']],
      CATALOG_FIXTURE_EMPLOYMENT.map((e) => ({
        personal_id: e.personalId, last_employer: e.lastEmployer, contract_ended_at: e.contractEndedAt,
        unemployment_insurance_months: e.unemploymentInsuranceMonths, average_monthly_salary: e.averageMonthlySalary,
      })),
      'employment records',
      onProgress,
    );
  });
  return {
    inserted,
    total: {
      persons: allPersons.length,
      households: allHouseholds.length,
      socialInsuranceNumbers: allSi.length,
      cards: allCards.length,
    },
  };
}
