import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../../db/connection';
import { convictions, judicialRecordCertificates } from '../../../db/registries/schema';
import { localDateOf } from '../../../domain/working-days';
import { InvalidRegistryInputError } from '../errors';
import { requireAlive } from './population';
import type { Conviction, JudicialRecordCertificate, JudicialRecordsRegistry } from '../../../domain/registries';
import { writeKey } from './keys';

export async function findConvictionsOf(db: Executor, personalId: string): Promise<Conviction[]> {
  const rows = await db
    .select()
    .from(convictions)
    .where(eq(convictions.personalId, personalId))
    .orderBy(asc(convictions.date), asc(convictions.id));
  return rows.map((r) => ({
    judgmentRef: r.judgmentRef,
    court: r.court,
    date: r.date,
    offence: r.offence,
    sentence: r.sentence,
    expunged: r.expunged,
  }));
}

type CertRow = typeof judicialRecordCertificates.$inferSelect;
const toCertificate = (r: CertRow): JudicialRecordCertificate => ({
  certificateNumber: r.certificateNumber,
  personalId: r.personalId,
  certificateType: r.certificateType,
  convictions: r.convictions as Conviction[],
  issuedAt: new Date(r.issuedAt).toISOString(),
  caseId: r.caseId,
});

export async function findCertificatesOf(db: Executor, personalId: string): Promise<JudicialRecordCertificate[]> {
  const rows = await db.select().from(judicialRecordCertificates).where(eq(judicialRecordCertificates.personalId, personalId));
  return rows.map(toCertificate);
}

export function createPostgresJudicialRecords(db: Executor): JudicialRecordsRegistry {
  const byKey = async (key: string) => {
    const [row] = await db.select().from(judicialRecordCertificates).where(eq(judicialRecordCertificates.caseId, key)).limit(1);
    return row ? toCertificate(row) : null;
  };
  return {
    getConvictionsOf: (_ctx, personalId) => findConvictionsOf(db, personalId),

    async issueCertificate(ctx, input) {
      const key = writeKey(ctx);
      const done = await byKey(key);
      if (done) return done;
      if (input.certificateType !== '1' && input.certificateType !== '2') {
        throw new InvalidRegistryInputError(`certificate type must be "1" or "2": "${input.certificateType}"`);
      }
      await requireAlive(db, 'personalId', input.personalId);
      const at = new Date(input.issuedAt);
      if (Number.isNaN(at.getTime())) throw new InvalidRegistryInputError(`bad issuedAt "${input.issuedAt}"`);
      // Number: LLTP-<yyyymmdd>-<case key>, unique per case (the case key is the idempotency key).
      const number = `LLTP-${localDateOf(at).replace(/-/g, '')}-${key}`;
      const [row] = await db
        .insert(judicialRecordCertificates)
        .values({
          certificateNumber: number,
          personalId: input.personalId,
          certificateType: input.certificateType,
          convictions: input.convictions,
          issuedAt: at.toISOString(),
          caseId: key,
        })
        .onConflictDoNothing()
        .returning();
      return row ? toCertificate(row) : (await byKey(key))!;
    },
  };
}
