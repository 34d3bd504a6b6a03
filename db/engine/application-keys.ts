/** The principal-scoped idempotency keys of submissions (see `applicationKeys` in ./schema.ts). */
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../connection';
import { CodedError } from '../../domain/error-codes';
import { applicationKeys } from './schema';

export class IdempotencyKeyReusedError extends CodedError {
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for another application; use a new key for a new application.');
  }
}

/** The case already bound to this principal's key, if any (refused when bound to another application). */
export async function findApplicationKey(db: Executor, k: { principalId: string; keyHash: string; bodyHash: string }): Promise<string | null> {
  const [row] = await db
    .select()
    .from(applicationKeys)
    .where(and(eq(applicationKeys.principalId, k.principalId), eq(applicationKeys.keyHash, k.keyHash)))
    .limit(1);
  if (!row) return null;
  if (row.bodyHash !== k.bodyHash) throw new IdempotencyKeyReusedError();
  return row.caseId;
}

/**
 * The case for this principal's key: the existing one, or `newCaseId` claimed now. Concurrent claims of one key
 * agree on one case (the insert's conflict decides). A key already bound to another application is refused.
 */
export async function claimApplicationKey(
  db: Executor,
  k: { principalId: string; keyHash: string; bodyHash: string; newCaseId: string; at: string },
): Promise<{ caseId: string; existing: boolean }> {
  const [claimed] = await db
    .insert(applicationKeys)
    .values({ principalId: k.principalId, keyHash: k.keyHash, bodyHash: k.bodyHash, caseId: k.newCaseId, createdAt: k.at })
    .onConflictDoNothing({ target: [applicationKeys.principalId, applicationKeys.keyHash] })
    .returning();
  if (claimed) return { caseId: claimed.caseId, existing: false };
  const existing = await findApplicationKey(db, k);
  if (existing === null) throw new Error('application key vanished after a conflict');
  return { caseId: existing, existing: true };
}
