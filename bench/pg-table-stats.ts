/**
 * bench:scale's Postgres statistics. The planner's: kept up as autovacuum would (keepStatisticsUp). The cumulative
 * ones (pg_stat_user_tables): which tables a phase of a bench read — rows read by sequential scans and fetched
 * through indexes, per table, between two snapshots. It says which query grows with the data when a latency does
 * (bench:scale's decisions), without pg_stat_statements.
 */
import postgres from 'postgres';
import { fmt } from './report';

/** Runs `fn` on one connection to each database in turn. */
async function onEachDatabase(dbUrls: string[], fn: (db: postgres.Sql, dbUrl: string) => Promise<void>): Promise<void> {
  for (const dbUrl of dbUrls) {
    const db = postgres(dbUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      await fn(db, dbUrl);
    } finally {
      await db.end();
    }
  }
}

/**
 * The planner's statistics, as a production server keeps them. This machine's Postgres runs with autovacuum off (set
 * up for tests), so nothing analyzes the bench's tables: at 40,000 open cases the work-queue page then sorted every
 * open work item (p50 26 ms, 0.6 ms once analyzed). With autovacuum off the bench vacuums and analyzes its
 * databases after each opening, outside the figures, as autovacuum would have by then; with it on, nothing.
 */
export async function keepStatisticsUp(admin: postgres.Sql, dbUrls: string[]): Promise<string> {
  const [{ autovacuum }] = await admin<{ autovacuum: string }[]>`show autovacuum`;
  if (autovacuum === 'on') return 'statistics: left to autovacuum';
  const t0 = performance.now();
  await onEachDatabase(dbUrls, async (db) => {
    await db.unsafe('vacuum analyze');
  });
  return `statistics: autovacuum is off on this server, so the bench vacuumed and analyzed its databases (${fmt((performance.now() - t0) / 1000)} s)`;
}

/**
 * Writes the dirty pages the opening and the vacuum left out to disk now (CHECKPOINT), so the checkpoint they would
 * trigger does not fall into the samples that follow. At 100,000 open cases one did (its write phase from the
 * vacuum to 30 s into the decisions), and two of the slowest decisions had no paused process to blame; at 1,000 the
 * opening leaves too little to trigger one. Needs a superuser (or pg_checkpoint); without, it says so.
 */
export async function checkpointNow(admin: postgres.Sql): Promise<string> {
  const t0 = performance.now();
  try {
    await admin.unsafe('checkpoint');
  } catch (e) {
    return `checkpoint: not allowed (${(e as Error).message}); a checkpoint may fall into the samples`;
  }
  return `checkpoint: the opening's writes flushed before sampling (${fmt((performance.now() - t0) / 1000)} s)`;
}

/** Checkpoints the server has begun so far (timed and requested), or null when its statistics cannot be read. */
export async function checkpointsSoFar(admin: postgres.Sql): Promise<number | null> {
  // Postgres 17 moved them from pg_stat_bgwriter to pg_stat_checkpointer.
  for (const query of ['select num_timed + num_requested as n from pg_stat_checkpointer', 'select checkpoints_timed + checkpoints_req as n from pg_stat_bgwriter']) {
    try {
      const [row] = await admin.unsafe<{ n: string }[]>(query);
      return Number(row.n);
    } catch {
      // The other version's view.
    }
  }
  return null;
}

/** The server's WAL counters at one moment (pg_stat_wal). */
export interface WalSoFar {
  records: number;
  /** Full-page images: the first change to a page after a checkpoint logs the whole page. */
  fullPages: number;
  bytes: number;
}

/**
 * The server's WAL so far (pg_stat_wal, Postgres 14+), or null where it cannot be read. Backends report to it at most
 * once a second (when idle): read it a second after the work it should count.
 */
export async function walSoFar(admin: postgres.Sql): Promise<WalSoFar | null> {
  try {
    const [row] = await admin.unsafe<{ records: string; fpi: string; bytes: string }[]>('select wal_records as records, wal_fpi as fpi, wal_bytes as bytes from pg_stat_wal');
    return { records: Number(row.records), fullPages: Number(row.fpi), bytes: Number(row.bytes) };
  } catch {
    return null;
  }
}

/**
 * The WAL written per operation between two readings (the whole server's: the bench's databases and its probe): a
 * commit waits for its share to reach the disk, and full-page images are most of the bytes right after a checkpoint.
 */
export function walPerOperation(before: WalSoFar | null, after: WalSoFar | null, operations: number): string {
  if (!before || !after) return 'WAL: unknown (pg_stat_wal cannot be read)';
  const n = Math.max(1, operations);
  const records = after.records - before.records;
  const fullPages = after.fullPages - before.fullPages;
  return `WAL per decision: ${fmt(records / n, 1)} records, ${fmt(fullPages / n, 1)} full-page images, ${fmt((after.bytes - before.bytes) / n / 1024, 1)} KB`;
}

type TableReads = { seqScans: number; seqRows: number; idxScans: number; idxRows: number; deadRows: number };
export type TableStats = Map<string, TableReads>;

/** One snapshot of every user table of these databases, keyed "database.table". */
export async function tableStats(dbUrls: string[]): Promise<TableStats> {
  const out: TableStats = new Map();
  await onEachDatabase(dbUrls, async (db, dbUrl) => {
    // The statistics collector reports with a delay; a fresh snapshot is asked for.
    await db`select pg_stat_clear_snapshot()`;
    const rows = await db<{ name: string; seq_scan: string; seq_tup_read: string; idx_scan: string | null; idx_tup_fetch: string | null; n_dead_tup: string }[]>`
      select relname as name, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_dead_tup from pg_stat_user_tables`;
    const database = new URL(dbUrl).pathname.slice(1).replace(/^bench_scale_\d+_/, '');
    for (const r of rows) {
      out.set(`${database}.${r.name}`, {
        seqScans: Number(r.seq_scan),
        seqRows: Number(r.seq_tup_read),
        idxScans: Number(r.idx_scan ?? 0),
        idxRows: Number(r.idx_tup_fetch ?? 0),
        deadRows: Number(r.n_dead_tup),
      });
    }
  });
  return out;
}

/** The tables read most between two snapshots, per operation: "table seq 3×/120,000 rows, idx 40×/40 rows". */
export function heaviestReads(before: TableStats, after: TableStats, operations: number, top = 4): string {
  const per = (n: number) => (operations > 0 ? n / operations : n);
  const deltas = [...after].map(([name, a]) => {
    const b = before.get(name) ?? { seqScans: 0, seqRows: 0, idxScans: 0, idxRows: 0, deadRows: 0 };
    return { name, seqScans: per(a.seqScans - b.seqScans), seqRows: per(a.seqRows - b.seqRows), idxScans: per(a.idxScans - b.idxScans), idxRows: per(a.idxRows - b.idxRows), dead: a.deadRows };
  });
  const f = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(1));
  return deltas
    .filter((d) => d.seqRows + d.idxRows > 0)
    .sort((x, y) => y.seqRows + y.idxRows - (x.seqRows + x.idxRows))
    .slice(0, top)
    .map((d) => `${d.name} seq ${f(d.seqScans)}×/${f(d.seqRows)} rows, idx ${f(d.idxScans)}×/${f(d.idxRows)} rows (dead ${f(d.dead)})`)
    .join('; ');
}
