/**
 * The engine's audit sink: entries go to the `audit_log` table (chained by its trigger, migration 0009).
 *
 * Outside a transaction (a registry read, an entry of a failed call) the sink commits by **group commit**: entries
 * recorded while a batch is being written go out together as the next batch, one statement and one commit for all
 * of them, and each `record` resolves only once its own entry is committed — so a read still hands its result back
 * after its entry, never before. Unloaded, an entry goes out at once; under load, batches grow by themselves (a case
 * reads a dozen records, each of them until now a statement, a commit and a turn on the day's chain-head lock).
 * A batch the database refuses is written again entry by entry, so one bad entry fails its own call only.
 *
 * Inside a transaction (`postgres/atomic.ts`: a registry write and its entry commit together) the entry is written
 * in that transaction at once: pass the transaction and no group commit.
 */
import type { Executor } from '../../../db/connection';
import { allOrNothing, GroupCommit } from '../../../db/group-commit';
import { perExecutor } from '../../../db/prepared-query';
import { insertAuditEntries, insertAuditEntry } from '../../../db/engine/audit-queries';
import type { AuditEntry, AuditSink } from '../../../domain/registries';

export interface PostgresAuditSinkOptions {
  /** Commit entries by group commit (only for the database itself, never for a transaction). */
  groupCommit?: boolean;
}

/** Writes audit entries to the engine's `audit_log` table. */
export function createPostgresAuditSink(db: Executor, opts: PostgresAuditSinkOptions = {}): AuditSink {
  if (!opts.groupCommit) return { record: (entry) => insertAuditEntry(db, entry) };
  const group = groupCommitOf(db);
  return { record: (entry) => group.submit(entry) };
}

/** Largest batch: keeps one statement's parameters well under Postgres' 65,535 (15 per entry). */
const MAX_BATCH = 200;

// One group commit per database handle: every sink on it (each agency's, the API's) shares the batches. One batch in
// flight at a time: every entry takes the day's chain-head lock, so parallel batches would only queue there.
export const groupCommitOf = perExecutor(
  (db) =>
    new GroupCommit<AuditEntry, void>({
      write: (entries) => allOrNothing(insertAuditEntries(db, entries).then(() => entries.map(() => undefined))),
      maxBatch: MAX_BATCH,
      retryAlone: true,
    }),
);
