/**
 * Seeds the registries with the fixture people and a deterministic synthetic population.
 * Seeding never touches a register that holds data: it runs on an empty database only (the first start, or
 * `npm run seed` on a fresh database). A restart therefore changes no register row — a residence deleted by a
 * death case stays deleted. Inside the one seeding transaction every insert is also ON CONFLICT DO NOTHING.
 */
import { sql } from 'drizzle-orm';
import { localDateOf } from '../domain/working-days';
import type { DatabaseTarget, Executor } from './connection';
import { openRegistriesDatabase, type RegistriesDatabase } from './registries-database';
import { FIXTURE_HOUSEHOLDS, FIXTURE_PEOPLE, type FixturePerson } from './seed-fixtures';
import { generatePopulation, type GeneratedCard, type GeneratedHousehold } from './seed-generate';
import {
  CATALOG_FIXTURE_CONTRIBUTIONS,
  CATALOG_FIXTURE_CONVICTIONS,
  catalogFixtureEmployment,
  CATALOG_FIXTURE_HOUSEHOLDS,
  CATALOG_FIXTURE_MARRIAGES,
  CATALOG_FIXTURE_PEOPLE,
  type FixtureContribution,
  type FixtureMarriage,
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
  /** The seeding day (Vietnam local date, yyyy-mm-dd): date-dependent fixtures are relative to it. Default today. */
  today?: string;
  onProgress?: (message: string) => void;
}

export interface SeedResult {
  /** True when the registers already held data, so nothing was touched. */
  skipped: boolean;
  /** Rows inserted by this run (0 when the registers already held data). */
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

/** The people and households a seed with these options holds (fixtures + generated), without touching a database. */
export function describeSeed(options: Pick<SeedOptions, 'people' | 'seed' | 'referenceDate'> = {}): {
  persons: FixturePerson[];
  households: GeneratedHousehold[];
  generated: ReturnType<typeof generatePopulation>;
} {
  const { people = 10_000, seed = 42, referenceDate = '2026-07-01' } = options;
  const gen = generatePopulation({
    people,
    seed,
    referenceDate,
    reservedPersonalIds: [...FIXTURE_PEOPLE, ...CATALOG_FIXTURE_PEOPLE].map((p) => p.personalId),
    reservedSocialInsuranceNumbers: [...FIXTURE_PEOPLE, ...CATALOG_FIXTURE_PEOPLE].flatMap((p) => (p.socialInsuranceNumber ? [p.socialInsuranceNumber] : [])),
  });
  return {
    persons: [...FIXTURE_PEOPLE, ...gen.persons, ...CATALOG_FIXTURE_PEOPLE],
    households: [...FIXTURE_HOUSEHOLDS, ...gen.households, ...CATALOG_FIXTURE_HOUSEHOLDS],
    generated: gen,
  };
}

const PERSON_COLUMNS: readonly Column[] = [
  ['personal_id', 'char(12)'], ['full_name', 'text'], ['date_of_birth', 'date'], ['sex', 'text'],
  ['ethnicity', 'text'], ['nationality', 'char(2)'], ['home_town', 'char(5)'], ['place_of_birth', 'char(5)'],
  ['father_id', 'char(12)'], ['mother_id', 'char(12)'], ['deceased', 'boolean'],
];

/** Inserts people (parents before children); returns the number inserted. */
export function insertPersons(db: Executor, people: readonly FixturePerson[], onProgress?: (m: string) => void): Promise<number> {
  return insertJson(
    db,
    'persons',
    PERSON_COLUMNS,
    people.map((p) => ({
      personal_id: p.personalId, full_name: p.fullName, date_of_birth: p.dateOfBirth, sex: p.sex,
      ethnicity: p.ethnicity, nationality: p.nationality, home_town: p.homeTown, place_of_birth: p.placeOfBirth,
      father_id: p.fatherId, mother_id: p.motherId, deceased: p.deceased,
    })),
    'persons',
    onProgress,
  );
}

/** Inserts households and their members; returns the numbers inserted. */
export async function insertHouseholds(
  db: Executor,
  list: readonly GeneratedHousehold[],
  onProgress?: (m: string) => void,
): Promise<{ households: number; members: number }> {
  const households = await insertJson(
    db,
    'households',
    [['household_id', 'text'], ['head_id', 'char(12)'], ['province_code', 'char(2)'], ['commune_code', 'char(5)'], ['street', 'text']],
    list.map((h) => ({
      household_id: h.householdId, head_id: h.headId, province_code: h.provinceCode, commune_code: h.communeCode, street: h.street,
    })),
    'households',
    onProgress,
  );
  const members = await insertJson(
    db,
    'household_members',
    [['personal_id', 'char(12)'], ['household_id', 'text'], ['relation_to_head', 'text'], ['since', 'date']],
    list.flatMap((h) =>
      h.members.map((m) => ({ personal_id: m.personalId, household_id: h.householdId, relation_to_head: m.relationToHead, since: m.since })),
    ),
    'household members',
    onProgress,
  );
  return { households, members };
}

export function insertContributions(db: Executor, records: readonly FixtureContribution[], onProgress?: (m: string) => void): Promise<number> {
  return insertJson(
    db,
    'contribution_records',
    [['personal_id', 'char(12)'], ['compulsory_months', 'integer'], ['average_monthly_salary', 'bigint'], ['pensioner', 'boolean'], ['pension_since', 'date']],
    records.map((c) => ({
      personal_id: c.personalId, compulsory_months: c.compulsoryMonths, average_monthly_salary: c.averageMonthlySalary,
      pensioner: c.pensioner, pension_since: c.pensionSince,
    })),
    'contribution records',
    onProgress,
  );
}

/** Marriages registered before the engine (no register-book entry); `caseId` marks the seed row. */
export function insertMarriages(db: Executor, marriages: readonly (FixtureMarriage & { caseId: string })[], onProgress?: (m: string) => void): Promise<number> {
  return insertJson(
    db,
    'marriage_registrations',
    [
      ['party_a_id', 'char(12)'], ['party_b_id', 'char(12)'], ['commune_code', 'char(5)'], ['registered_at', 'timestamptz'],
      ['entry_number', 'integer'], ['certificate_number', 'text'], ['case_id', 'text'],
    ],
    marriages.map((m) => ({
      party_a_id: m.partyAId, party_b_id: m.partyBId, commune_code: m.communeCode, registered_at: m.registeredAt,
      entry_number: Number(m.certificateNumber), certificate_number: m.certificateNumber, case_id: m.caseId,
    })),
    'marriages',
    onProgress,
  );
}

/** The register tables the seed writes; any row in one of them means the registers are in use. */
const SEEDED_TABLES = [
  'persons', 'households', 'household_members', 'social_insurance_numbers', 'health_insurance_cards',
  'contribution_records', 'marriage_registrations', 'convictions', 'employment_records',
] as const;

/** True when any register table the seed would write already holds a row. */
export async function registersHoldData(db: Executor): Promise<boolean> {
  const probe = SEEDED_TABLES.map((t) => `select 1 from ${t}`).join(' union all ');
  const result: any = await db.execute(sql.raw(`select exists(${probe}) as held`));
  const rows = Array.isArray(result) ? result : result.rows;
  return rows[0].held === true;
}

export async function seedPopulation(db: Executor, options: SeedOptions = {}): Promise<SeedResult> {
  const { onProgress } = options;
  const { persons: allPersons, households: allHouseholds, generated: gen } = describeSeed(options);
  onProgress?.(`generated ${gen.persons.length} people in ${gen.households.length} households (seed ${options.seed ?? 42})`);

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
  const total = { persons: allPersons.length, households: allHouseholds.length, socialInsuranceNumbers: allSi.length, cards: allCards.length };
  let skipped = false;
  // One transaction: a half-seeded database is worse than none. Parents come before children in `allPersons`.
  await db.transaction(async (tx) => {
    // Checked inside the transaction, under a lock on `persons`, so two starters cannot both find it empty.
    await tx.execute(sql`lock table persons in share row exclusive mode`);
    if (await registersHoldData(tx)) {
      skipped = true;
      onProgress?.('the registers already hold data: nothing seeded, nothing changed');
      return;
    }
    inserted.persons = await insertPersons(tx, allPersons, onProgress);
    const placed = await insertHouseholds(tx, allHouseholds, onProgress);
    inserted.households = placed.households;
    inserted.members = placed.members;
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
    await insertContributions(tx, CATALOG_FIXTURE_CONTRIBUTIONS, onProgress);
    await insertMarriages(
      tx,
      CATALOG_FIXTURE_MARRIAGES.map((m) => ({ ...m, caseId: `seed-marriage-${m.partyAId}-${m.partyBId}` })),
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
      catalogFixtureEmployment(options.today ?? localDateOf(new Date())).map((e) => ({
        personal_id: e.personalId, last_employer: e.lastEmployer, contract_ended_at: e.contractEndedAt,
        unemployment_insurance_months: e.unemploymentInsuranceMonths, average_monthly_salary: e.averageMonthlySalary,
      })),
      'employment records',
      onProgress,
    );
  });
  return { skipped, inserted, total };
}

/**
 * What every start does: open (and migrate) the registries, then seed them only if they are empty. A restart on a
 * database in use changes no register row.
 */
export async function openSeededRegistries(
  target: DatabaseTarget,
  options: SeedOptions = {},
): Promise<{ database: RegistriesDatabase; seeded: SeedResult }> {
  const database = await openRegistriesDatabase(target);
  try {
    return { database, seeded: await seedPopulation(database.db, options) };
  } catch (e) {
    await database.close();
    throw e;
  }
}
