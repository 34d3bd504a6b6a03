/** Query module for the case access log (views of personal data). Functions take (db, params). */
import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../connection';
import { caseAccessLog } from './schema';

export type CaseAccessEntry = Omit<typeof caseAccessLog.$inferInsert, 'id'>;
export type CaseAccessRow = typeof caseAccessLog.$inferSelect;

export async function recordCaseAccess(db: Executor, entry: CaseAccessEntry): Promise<void> {
  await db.insert(caseAccessLog).values(entry);
}

export async function listCaseAccess(db: Executor, q: { caseId: string; limit?: number }): Promise<CaseAccessRow[]> {
  const rows = await db
    .select()
    .from(caseAccessLog)
    .where(eq(caseAccessLog.caseId, q.caseId))
    .orderBy(asc(caseAccessLog.id))
    .limit(Math.min(q.limit ?? 1000, 10_000));
  return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
}
