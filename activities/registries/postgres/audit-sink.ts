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

interface Pending {
  entry: AuditEntry;
  resolve(): void;
  reject(e: unknown): void;
}

/** One batch in flight at a time: every entry takes the day's chain-head lock, so parallel batches would queue there. */
export class AuditGroupCommit {
  private queue: Pending[] = [];
  private writing = false;
  /** Statements sent and the entries they carried. */
  readonly stats = { batches: 0, entries: 0 };

  constructor(private readonly db: Executor) {}

  submit(entry: AuditEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    // Entries recorded in the same turn of the event loop join the first batch.
    await Promise.resolve();
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        this.stats.batches++;
        this.stats.entries += batch.length;
        try {
          await insertAuditEntries(
            this.db,
            batch.map((p) => p.entry),
          );
          for (const p of batch) p.resolve();
        } catch (e) {
          if (batch.length === 1) batch[0].reject(e);
          else await this.oneByOne(batch);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async oneByOne(batch: Pending[]): Promise<void> {
    for (const p of batch) {
      try {
        await insertAuditEntry(this.db, p.entry);
        p.resolve();
      } catch (e) {
        p.reject(e);
      }
    }
  }
}

// One group commit per database handle: every sink on it (each agency's, the API's) shares the batches.
const groups = new WeakMap<object, AuditGroupCommit>();
export function groupCommitOf(db: Executor): AuditGroupCommit {
  let g = groups.get(db);
  if (!g) groups.set(db, (g = new AuditGroupCommit(db)));
  return g;
}
