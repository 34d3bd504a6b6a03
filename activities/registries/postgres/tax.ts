import { eq } from 'drizzle-orm';
import type { Executor } from '../../../db/connection';
import { taxRegistrations } from '../../../db/registries/schema';
import { isCommuneCode, isProvinceCode } from '../../../domain/provinces';
import { AlreadyTaxRegisteredError, InvalidRegistryInputError } from '../errors';
import { requireAlive } from './population';
import { checkCommune } from '../../../domain/plausibility';
import type { TaxRegistration, TaxRegistry } from '../../../domain/registries';
import { writeKey } from './keys';

type Row = typeof taxRegistrations.$inferSelect;
const toRegistration = (r: Row): TaxRegistration => ({ ...r, registeredAt: new Date(r.registeredAt).toISOString() });

export async function findHouseholdBusiness(db: Executor, ownerId: string): Promise<TaxRegistration | null> {
  const [row] = await db.select().from(taxRegistrations).where(eq(taxRegistrations.ownerId, ownerId)).limit(1);
  return row ? toRegistration(row) : null;
}

export function createPostgresTax(db: Executor): TaxRegistry {
  return {
    findHouseholdBusinessOf: (_ctx, ownerId) => findHouseholdBusiness(db, ownerId),

    async registerHouseholdBusiness(ctx, input) {
      const key = writeKey(ctx);
      const [done] = await db.select().from(taxRegistrations).where(eq(taxRegistrations.caseId, key)).limit(1);
      if (done) return toRegistration(done);
      if (!isCommuneCode(input.communeCode)) throw new InvalidRegistryInputError(`not a commune code: "${input.communeCode}"`);
      if (!isProvinceCode(input.provinceCode)) throw new InvalidRegistryInputError(`not a province code: "${input.provinceCode}"`);
      if (input.businessName.trim() === '') throw new InvalidRegistryInputError('businessName is empty');
      checkCommune('communeCode', input.communeCode, 'provinceCode', input.provinceCode);
      await requireAlive(db, 'ownerId', input.ownerId);
      const [row] = await db
        .insert(taxRegistrations)
        .values({ ...input, taxCode: input.ownerId, caseId: key })
        .onConflictDoNothing()
        .returning();
      if (row) return toRegistration(row);
      const [raced] = await db.select().from(taxRegistrations).where(eq(taxRegistrations.caseId, key)).limit(1);
      if (raced) return toRegistration(raced);
      throw new AlreadyTaxRegisteredError(input.ownerId);
    },
  };
}
