import type { Executor } from '../../../db/connection';
import { insertAuditEntry } from '../../../db/engine/audit-queries';
import type { AuditSink } from '../../../domain/registries';

/** Writes audit entries to the engine's `audit_log` table. */
export function createPostgresAuditSink(db: Executor): AuditSink {
  return { record: (entry) => insertAuditEntry(db, entry) };
}
