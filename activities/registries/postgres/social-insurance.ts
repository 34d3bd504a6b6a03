import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../../../db/connection';
import {
  benefitPayments,
  contributionRecords,
  healthInsuranceCards,
  socialInsuranceNumbers,
} from '../../../db/registries/schema';
import { makeSocialInsuranceNumber, randomDigits } from '../../../domain/identifiers';
import { isProvinceCode } from '../../../domain/provinces';
import {
  BenefitAlreadyPaidError,
  InvalidRegistryInputError,
  isUniqueViolation,
  SocialInsuranceNumberAllocationError,
} from '../errors';
import type { BenefitPayment, ContributionRecord, HealthInsuranceCard, SocialInsuranceRegistry } from '../../../domain/registries';
import { writeKey, type RandomSource } from './keys';
import { requireAlive } from './population';

const MAX_ATTEMPTS = 20;

/** Benefit level printed on the card (illustrative: children, people with merit and the poor get level 1). */
const BENEFIT_LEVEL: Record<string, string> = { TE: '1', CC: '1', HN: '2', DN: '4', HS: '4', SV: '4', GD: '4' };

/** Card number in the 15-character layout: group (2) + benefit level (1) + province (2) + social-insurance no. (10). */
export function healthInsuranceCardNumber(group: string, provinceCode: string, socialInsuranceNumber: string): string {
  return `${group}${BENEFIT_LEVEL[group] ?? '4'}${provinceCode}${socialInsuranceNumber}`;
}

function addYearsMinusOneDay(isoDate: string, years: number): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  const t = new Date(Date.UTC(y + years, m - 1, d));
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
}

/** Children under 6 ("TE") are covered until the day before their 6th birthday; other groups for a year. */
export function cardValidTo(group: string, validFrom: string, dateOfBirth: string): string {
  return group === 'TE' ? addYearsMinusOneDay(dateOfBirth, 6) : addYearsMinusOneDay(validFrom, 1);
}

type CardRow = typeof healthInsuranceCards.$inferSelect;
const toCard = (r: CardRow): HealthInsuranceCard => ({
  cardNumber: r.cardNumber,
  socialInsuranceNumber: r.socialInsuranceNumber,
  personalId: r.personalId,
  validFrom: r.validFrom,
  validTo: r.validTo,
  beneficiaryGroup: r.beneficiaryGroup,
});

export async function findCardOf(db: Executor, personalId: string): Promise<HealthInsuranceCard | null> {
  const [row] = await db
    .select()
    .from(healthInsuranceCards)
    .where(eq(healthInsuranceCards.personalId, personalId))
    .orderBy(desc(healthInsuranceCards.validTo))
    .limit(1);
  return row ? toCard(row) : null;
}

async function findNumberOf(db: Executor, personalId: string): Promise<string | null> {
  const [row] = await db
    .select({ number: socialInsuranceNumbers.number })
    .from(socialInsuranceNumbers)
    .where(eq(socialInsuranceNumbers.personalId, personalId))
    .limit(1);
  return row?.number ?? null;
}

/** The person's lifelong number, allocating "PP" + 8 random digits if they have none (retry on collision). */
async function ensureNumber(db: Executor, personalId: string, provinceCode: string, random: RandomSource) {
  const existing = await findNumberOf(db, personalId);
  if (existing) return existing;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const number = makeSocialInsuranceNumber(provinceCode, randomDigits(8, random));
    const [row] = await db
      .insert(socialInsuranceNumbers)
      .values({ number, personalId, provinceCode })
      .onConflictDoNothing()
      .returning({ number: socialInsuranceNumbers.number });
    if (row) return row.number;
    const raced = await findNumberOf(db, personalId); // a concurrent call gave the person a number
    if (raced) return raced;
  }
  throw new SocialInsuranceNumberAllocationError(MAX_ATTEMPTS);
}

type PaymentRow = typeof benefitPayments.$inferSelect;
const toPayment = (r: PaymentRow): BenefitPayment => ({
  paymentRef: r.paymentRef,
  kind: r.kind,
  subjectId: r.subjectId,
  beneficiaryId: r.beneficiaryId,
  amount: r.amount,
  basis: r.basis,
  paidAt: new Date(r.paidAt).toISOString(),
  caseId: r.caseId,
});

export async function findContributionRecord(db: Executor, personalId: string): Promise<ContributionRecord | null> {
  const [row] = await db.select().from(contributionRecords).where(eq(contributionRecords.personalId, personalId)).limit(1);
  return row
    ? {
        personalId: row.personalId,
        compulsoryMonths: row.compulsoryMonths,
        averageMonthlySalary: row.averageMonthlySalary,
        pensioner: row.pensioner,
        pensionSince: row.pensionSince,
      }
    : null;
}

export async function findBenefitPaymentsOf(db: Executor, subjectId: string): Promise<BenefitPayment[]> {
  const rows = await db.select().from(benefitPayments).where(eq(benefitPayments.subjectId, subjectId)).orderBy(benefitPayments.id);
  return rows.map(toPayment);
}

export function createPostgresSocialInsurance(db: Executor, random: RandomSource): SocialInsuranceRegistry {
  const paymentBy = async (key: string) => {
    const [row] = await db.select().from(benefitPayments).where(eq(benefitPayments.caseId, key)).limit(1);
    return row ? toPayment(row) : null;
  };
  const byKey = async (key: string) => {
    const [row] = await db
      .select()
      .from(healthInsuranceCards)
      .where(eq(healthInsuranceCards.issuedByCaseId, key))
      .limit(1);
    return row ? toCard(row) : null;
  };
  return {
    getCardOf: (_ctx, personalId) => findCardOf(db, personalId),
    getContributionRecord: (_ctx, personalId) => findContributionRecord(db, personalId),
    findBenefitPayments: (_ctx, subjectId) => findBenefitPaymentsOf(db, subjectId),

    async payBenefit(ctx, input) {
      const key = writeKey(ctx);
      const done = await paymentBy(key);
      if (done) return done; // a retried activity: paid once
      if (!Number.isInteger(input.amount) || input.amount <= 0) {
        throw new InvalidRegistryInputError(`amount must be a positive whole number of VND: ${input.amount}`);
      }
      await requireAlive(db, 'beneficiaryId', input.beneficiaryId);
      const [row] = await db
        .insert(benefitPayments)
        .values({
          paymentRef: `VSS-${input.kind === 'funeralAllowance' ? 'MT' : 'TT'}-${key}`,
          kind: input.kind,
          subjectId: input.subjectId,
          beneficiaryId: input.beneficiaryId,
          amount: input.amount,
          basis: input.basis,
          paidAt: input.paidAt,
          caseId: key,
        })
        .onConflictDoNothing()
        .returning()
        .catch((e) => {
          if (isUniqueViolation(e)) return [];
          throw e;
        });
      if (row) return toPayment(row);
      const raced = await paymentBy(key);
      if (raced) return raced;
      throw new BenefitAlreadyPaidError(input.subjectId, input.kind);
    },

    async issueHealthInsuranceCard(ctx, input) {
      const key = writeKey(ctx);
      const done = await byKey(key);
      if (done) return done;
      if (!isProvinceCode(input.provinceCode)) {
        throw new InvalidRegistryInputError(`not a 2025 province code: "${input.provinceCode}"`);
      }
      if (!/^[A-Z]{2}$/.test(input.beneficiaryGroup)) {
        throw new InvalidRegistryInputError(`beneficiary group must be two capitals: "${input.beneficiaryGroup}"`);
      }
      const person = await requireAlive(db, 'personalId', input.personalId);
      const number = await ensureNumber(db, input.personalId, input.provinceCode, random);
      const [row] = await db
        .insert(healthInsuranceCards)
        .values({
          cardNumber: healthInsuranceCardNumber(input.beneficiaryGroup, input.provinceCode, number),
          socialInsuranceNumber: number,
          personalId: input.personalId,
          validFrom: input.validFrom,
          validTo: cardValidTo(input.beneficiaryGroup, input.validFrom, person.dateOfBirth),
          beneficiaryGroup: input.beneficiaryGroup,
          issuedByCaseId: key,
        })
        .onConflictDoNothing()
        .returning();
      if (row) return toCard(row);
      // A concurrent retry of this case, or a card for this period already exists: return it.
      const raced = await byKey(key);
      if (raced) return raced;
      const [same] = await db
        .select()
        .from(healthInsuranceCards)
        .where(
          and(eq(healthInsuranceCards.personalId, input.personalId), eq(healthInsuranceCards.validFrom, input.validFrom)),
        )
        .limit(1);
      if (same) return toCard(same);
      throw new InvalidRegistryInputError(
        `case key ${key} already issued another card: set ctx.operationKey per card`,
      );
    },
  };
}
