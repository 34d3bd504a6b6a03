import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../../db/connection';
import { employmentRecords, unemploymentDecisions } from '../../../db/registries/schema';
import { localDateOf } from '../../../domain/working-days';
import { BenefitAlreadyPaidError, InvalidRegistryInputError } from '../errors';
import type { EmploymentRegistry, UnemploymentDecision } from '../../../domain/registries';
import { writeKey } from './keys';
import { requireAlive } from './population';

type Row = typeof unemploymentDecisions.$inferSelect;
const toDecision = (r: Row): UnemploymentDecision => ({ ...r, decidedAt: new Date(r.decidedAt).toISOString() });

export async function findUnemploymentDecisions(db: Executor, personalId: string): Promise<UnemploymentDecision[]> {
  return (await db.select().from(unemploymentDecisions).where(eq(unemploymentDecisions.personalId, personalId))).map(toDecision);
}

export function createPostgresEmployment(db: Executor): EmploymentRegistry {
  const byKey = async (key: string) => {
    const [row] = await db.select().from(unemploymentDecisions).where(eq(unemploymentDecisions.caseId, key)).limit(1);
    return row ? toDecision(row) : null;
  };
  return {
    async getEmploymentRecord(_ctx, personalId) {
      const [row] = await db.select().from(employmentRecords).where(eq(employmentRecords.personalId, personalId)).limit(1);
      return row ?? null;
    },

    async decideUnemploymentBenefit(ctx, input) {
      const key = writeKey(ctx);
      const done = await byKey(key);
      if (done) return done;
      if (!Number.isInteger(input.monthlyAmount) || input.monthlyAmount <= 0 || input.months < 1) {
        throw new InvalidRegistryInputError('monthly amount and months must be positive');
      }
      await requireAlive(db, 'personalId', input.personalId);
      const at = new Date(input.decidedAt);
      const [row] = await db
        .insert(unemploymentDecisions)
        .values({ ...input, decidedAt: at.toISOString(), decisionNumber: `QD-TCTN-${localDateOf(at).slice(0, 4)}-${key}`, caseId: key })
        .onConflictDoNothing()
        .returning();
      if (row) return toDecision(row);
      const raced = await byKey(key);
      if (raced) return raced;
      const [same] = await db
        .select()
        .from(unemploymentDecisions)
        .where(and(eq(unemploymentDecisions.personalId, input.personalId), eq(unemploymentDecisions.contractEndedAt, input.contractEndedAt)));
      throw new BenefitAlreadyPaidError(input.personalId, `unemployment benefit (decision ${same?.decisionNumber ?? '?'})`);
    },
  };
}
