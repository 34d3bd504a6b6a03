/**
 * The state registries the engine ships for demos and tests: population, civil status, residence, social insurance,
 * judicial records.
 * An agency may replace any of them by its own adapter (domain/registries.ts).
 */
import { sql, type SQLWrapper } from 'drizzle-orm';
import {
  boolean,
  char,
  check,
  date,
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';

// ---------------------------------------------------------------- population

/**
 * The rows a case wrote to a register, found by its case id (db/registries/case-documents.ts): a row's case key is the
 * case id or `<caseId>#<operationKey>` (activities/registries/postgres/keys.ts), so the look-up is on the key's part
 * before `#`. Without this index it read the whole register, the population register included.
 */
export const caseOfKey = (key: SQLWrapper) => sql`split_part(${key}, '#', 1)`;
const caseKeyIndex = (table: string, key: SQLWrapper) => index(`${table}_case_idx`).on(caseOfKey(key));

export const persons = pgTable(
  'persons',
  {
    personalId: char('personal_id', { length: 12 }).primaryKey(),
    fullName: text('full_name').notNull(),
    dateOfBirth: date('date_of_birth', { mode: 'string' }).notNull(),
    sex: text('sex', { enum: ['male', 'female'] }).notNull(),
    ethnicity: text('ethnicity').notNull(),
    nationality: char('nationality', { length: 2 }).notNull().default('VN'),
    homeTown: char('home_town', { length: 5 }).notNull(),
    placeOfBirth: char('place_of_birth', { length: 5 }).notNull(),
    fatherId: char('father_id', { length: 12 }).references((): any => persons.personalId),
    motherId: char('mother_id', { length: 12 }).references((): any => persons.personalId),
    deceased: boolean('deceased').notNull().default(false),
    /** The case that created this person (birth registration): makes createPerson idempotent. */
    createdByCaseId: text('created_by_case_id').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('persons_personal_id_format', sql`${t.personalId} ~ '^[0-9]{12}$'`),
    check('persons_sex', sql`${t.sex} in ('male', 'female')`),
    check('persons_home_town_format', sql`${t.homeTown} ~ '^[0-9]{5}$'`),
    check('persons_place_of_birth_format', sql`${t.placeOfBirth} ~ '^[0-9]{5}$'`),
    index('persons_father_idx').on(t.fatherId),
    index('persons_mother_idx').on(t.motherId),
    caseKeyIndex('persons', t.createdByCaseId),
  ],
);

// ---------------------------------------------------------------- civil status

/** One register book per commune, year and kind; `nextEntry` is the counter that numbers entries from 1. */
export const registerBooks = pgTable(
  'register_books',
  {
    id: serial('id').primaryKey(),
    bookCode: text('book_code').notNull().unique(), // e.g. "KS-2026-00106"
    kind: text('kind', { enum: ['birth', 'death', 'marriage'] }).notNull(),
    communeCode: char('commune_code', { length: 5 }).notNull(),
    year: integer('year').notNull(),
    nextEntry: integer('next_entry').notNull().default(1),
  },
  (t) => [
    unique('register_books_commune_year_kind').on(t.communeCode, t.year, t.kind),
    check('register_books_next_entry_positive', sql`${t.nextEntry} >= 1`),
  ],
);

export const birthRegistrations = pgTable(
  'birth_registrations',
  {
    id: serial('id').primaryKey(),
    bookId: integer('book_id')
      .notNull()
      .references(() => registerBooks.id),
    entryNumber: integer('entry_number').notNull(),
    certificateNumber: text('certificate_number').notNull(),
    childId: char('child_id', { length: 12 })
      .notNull()
      .unique()
      .references(() => persons.personalId),
    communeCode: char('commune_code', { length: 5 }).notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true, mode: 'string' }).notNull(),
    medicalBirthNoticeNo: text('medical_birth_notice_no').notNull(),
    caseId: text('case_id').notNull().unique(),
  },
  (t) => [
    unique('birth_registrations_book_entry').on(t.bookId, t.entryNumber),
    check('birth_registrations_entry_positive', sql`${t.entryNumber} >= 1`),
    // Every registration looks its medical birth notice up (one registration per notice): without this it read
    // the whole birth register.
    index('birth_registrations_notice_idx').on(t.medicalBirthNoticeNo),
    caseKeyIndex('birth_registrations', t.caseId),
  ],
);

// ---------------------------------------------------------------- residence

export const households = pgTable(
  'households',
  {
    householdId: text('household_id').primaryKey(),
    headId: char('head_id', { length: 12 })
      .notNull()
      .references(() => persons.personalId),
    // The permanent address, with the 2025 two-level codes.
    provinceCode: char('province_code', { length: 2 }).notNull(),
    communeCode: char('commune_code', { length: 5 }).notNull(),
    street: text('street').notNull(),
  },
  (t) => [
    check('households_province_format', sql`${t.provinceCode} ~ '^[0-9]{2}$'`),
    check('households_commune_format', sql`${t.communeCode} ~ '^[0-9]{5}$'`),
    index('households_head_idx').on(t.headId),
  ],
);

/** Permanent residence: a person belongs to at most one household (primary key on the person). */
export const householdMembers = pgTable(
  'household_members',
  {
    personalId: char('personal_id', { length: 12 })
      .primaryKey()
      .references(() => persons.personalId),
    householdId: text('household_id')
      .notNull()
      .references(() => households.householdId),
    relationToHead: text('relation_to_head').notNull(),
    since: date('since', { mode: 'string' }).notNull(),
    headConsentRef: text('head_consent_ref'),
    addedByCaseId: text('added_by_case_id').unique(),
  },
  (t) => [index('household_members_household_idx').on(t.householdId), caseKeyIndex('household_members', t.addedByCaseId)],
);

// ---------------------------------------------------------------- social insurance

export const socialInsuranceNumbers = pgTable(
  'social_insurance_numbers',
  {
    number: char('number', { length: 10 }).primaryKey(),
    personalId: char('personal_id', { length: 12 })
      .notNull()
      .unique()
      .references(() => persons.personalId),
    provinceCode: char('province_code', { length: 2 }).notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('social_insurance_numbers_format', sql`${t.number} ~ '^[0-9]{10}$'`)],
);

/** A card re-issued for a new period keeps its number (it shows the lifelong social-insurance number). */
export const healthInsuranceCards = pgTable(
  'health_insurance_cards',
  {
    id: serial('id').primaryKey(),
    cardNumber: text('card_number').notNull(),
    socialInsuranceNumber: char('social_insurance_number', { length: 10 })
      .notNull()
      .references(() => socialInsuranceNumbers.number),
    personalId: char('personal_id', { length: 12 })
      .notNull()
      .references(() => persons.personalId),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }).notNull(),
    beneficiaryGroup: text('beneficiary_group').notNull(),
    issuedByCaseId: text('issued_by_case_id').unique(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('health_insurance_cards_person_idx').on(t.personalId, t.validTo),
    unique('health_insurance_cards_person_valid_from').on(t.personalId, t.validFrom),
    check('health_insurance_cards_validity', sql`${t.validTo} >= ${t.validFrom}`),
    caseKeyIndex('health_insurance_cards', t.issuedByCaseId),
  ],
);

// ---------------------------------------------------------------- civil status: deaths and marriages

export const deathRegistrations = pgTable(
  'death_registrations',
  {
    id: serial('id').primaryKey(),
    bookId: integer('book_id')
      .notNull()
      .references(() => registerBooks.id),
    entryNumber: integer('entry_number').notNull(),
    certificateNumber: text('certificate_number').notNull(),
    deceasedId: char('deceased_id', { length: 12 })
      .notNull()
      .unique()
      .references(() => persons.personalId),
    dateOfDeath: date('date_of_death', { mode: 'string' }).notNull(),
    placeOfDeath: char('place_of_death', { length: 5 }).notNull(),
    cause: text('cause').notNull(),
    deathNoticeNo: text('death_notice_no').notNull(),
    declarantId: char('declarant_id', { length: 12 }).notNull(),
    communeCode: char('commune_code', { length: 5 }).notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true, mode: 'string' }).notNull(),
    caseId: text('case_id').notNull().unique(),
  },
  (t) => [
    unique('death_registrations_book_entry').on(t.bookId, t.entryNumber),
    check('death_registrations_entry_positive', sql`${t.entryNumber} >= 1`),
    caseKeyIndex('death_registrations', t.caseId),
  ],
);

export const marriageRegistrations = pgTable(
  'marriage_registrations',
  {
    id: serial('id').primaryKey(),
    bookId: integer('book_id').references(() => registerBooks.id),
    entryNumber: integer('entry_number').notNull(),
    certificateNumber: text('certificate_number').notNull(),
    partyAId: char('party_a_id', { length: 12 })
      .notNull()
      .references(() => persons.personalId),
    partyBId: char('party_b_id', { length: 12 })
      .notNull()
      .references(() => persons.personalId),
    communeCode: char('commune_code', { length: 5 }).notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true, mode: 'string' }).notNull(),
    /** Divorce or death of a spouse ends the marriage. */
    dissolvedAt: timestamp('dissolved_at', { withTimezone: true, mode: 'string' }),
    /** The case that registered it (null for seeded historical marriages). */
    caseId: text('case_id').unique(),
  },
  (t) => [
    unique('marriage_registrations_book_entry').on(t.bookId, t.entryNumber),
    index('marriage_registrations_a_idx').on(t.partyAId),
    index('marriage_registrations_b_idx').on(t.partyBId),
    check('marriage_registrations_distinct_parties', sql`${t.partyAId} <> ${t.partyBId}`),
    caseKeyIndex('marriage_registrations', t.caseId),
  ],
);

// ---------------------------------------------------------------- residence: deletions

export const residenceDeletions = pgTable(
  'residence_deletions',
  {
    id: serial('id').primaryKey(),
    personalId: char('personal_id', { length: 12 })
      .notNull()
      .references(() => persons.personalId),
    householdId: text('household_id')
      .notNull()
      .references(() => households.householdId),
    relationToHead: text('relation_to_head').notNull(),
    since: date('since', { mode: 'string' }).notNull(),
    reason: text('reason').notNull(),
    basisRef: text('basis_ref').notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'string' }).notNull(),
    caseId: text('case_id').notNull().unique(),
  },
  (t) => [index('residence_deletions_person_idx').on(t.personalId), caseKeyIndex('residence_deletions', t.caseId)],
);

// ---------------------------------------------------------------- social insurance: contributions and benefits

export const contributionRecords = pgTable(
  'contribution_records',
  {
    personalId: char('personal_id', { length: 12 })
      .primaryKey()
      .references(() => persons.personalId),
    compulsoryMonths: integer('compulsory_months').notNull(),
    averageMonthlySalary: bigint('average_monthly_salary', { mode: 'number' }).notNull(),
    pensioner: boolean('pensioner').notNull().default(false),
    pensionSince: date('pension_since', { mode: 'string' }),
  },
  (t) => [check('contribution_records_months', sql`${t.compulsoryMonths} >= 0`)],
);

export const benefitPayments = pgTable(
  'benefit_payments',
  {
    id: serial('id').primaryKey(),
    paymentRef: text('payment_ref').notNull().unique(),
    kind: text('kind', { enum: ['funeralAllowance', 'survivorOneTime'] }).notNull(),
    subjectId: char('subject_id', { length: 12 })
      .notNull()
      .references(() => persons.personalId),
    beneficiaryId: char('beneficiary_id', { length: 12 })
      .notNull()
      .references(() => persons.personalId),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    basis: text('basis').notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true, mode: 'string' }).notNull(),
    caseId: text('case_id').notNull().unique(),
  },
  (t) => [
    /** A benefit of a kind is paid once per insured person. */
    unique('benefit_payments_subject_kind').on(t.subjectId, t.kind),
    check('benefit_payments_amount_positive', sql`${t.amount} > 0`),
    caseKeyIndex('benefit_payments', t.caseId),
  ],
);

// ---------------------------------------------------------------- judicial records

export const convictions = pgTable(
  'convictions',
  {
    id: serial('id').primaryKey(),
    personalId: char('personal_id', { length: 12 })
      .notNull()
      .references(() => persons.personalId),
    judgmentRef: text('judgment_ref').notNull().unique(),
    court: text('court').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    offence: text('offence').notNull(),
    sentence: text('sentence').notNull(),
    expunged: boolean('expunged').notNull().default(false),
  },
  (t) => [index('convictions_person_idx').on(t.personalId)],
);

export const judicialRecordCertificates = pgTable(
  'judicial_record_certificates',
  {
    id: serial('id').primaryKey(),
    certificateNumber: text('certificate_number').notNull().unique(),
    personalId: char('personal_id', { length: 12 })
      .notNull()
      .references(() => persons.personalId),
    certificateType: text('certificate_type', { enum: ['1', '2'] }).notNull(),
    convictions: jsonb('convictions').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true, mode: 'string' }).notNull(),
    caseId: text('case_id').notNull().unique(),
  },
  (t) => [index('judicial_record_certificates_person_idx').on(t.personalId), caseKeyIndex('judicial_record_certificates', t.caseId)],
);

// ---------------------------------------------------------------- tax

/** Household businesses registered for tax: one per owner; the tax code is the owner's personal ID (2025). */
export const taxRegistrations = pgTable(
  'tax_registrations',
  {
    taxCode: text('tax_code').primaryKey(),
    ownerId: char('owner_id', { length: 12 })
      .notNull()
      .unique()
      .references(() => persons.personalId),
    businessName: text('business_name').notNull(),
    businessLine: text('business_line').notNull(),
    communeCode: char('commune_code', { length: 5 }).notNull(),
    provinceCode: char('province_code', { length: 2 }).notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true, mode: 'string' }).notNull(),
    caseId: text('case_id').notNull().unique(),
  },
  (t) => [caseKeyIndex('tax_registrations', t.caseId)],
);

// ---------------------------------------------------------------- employment (unemployment insurance)

export const employmentRecords = pgTable('employment_records', {
  personalId: char('personal_id', { length: 12 })
    .primaryKey()
    .references(() => persons.personalId),
  lastEmployer: text('last_employer').notNull(),
  contractEndedAt: date('contract_ended_at', { mode: 'string' }).notNull(),
  unemploymentInsuranceMonths: integer('unemployment_insurance_months').notNull(),
  averageMonthlySalary: bigint('average_monthly_salary', { mode: 'number' }).notNull(),
});

export const unemploymentDecisions = pgTable(
  'unemployment_decisions',
  {
    decisionNumber: text('decision_number').primaryKey(),
    personalId: char('personal_id', { length: 12 })
      .notNull()
      .references(() => persons.personalId),
    contractEndedAt: date('contract_ended_at', { mode: 'string' }).notNull(),
    monthlyAmount: bigint('monthly_amount', { mode: 'number' }).notNull(),
    months: integer('months').notNull(),
    basis: text('basis').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'string' }).notNull(),
    caseId: text('case_id').notNull().unique(),
  },
  (t) => [unique('unemployment_decisions_person_termination').on(t.personalId, t.contractEndedAt), caseKeyIndex('unemployment_decisions', t.caseId)],
);
