/**
 * What each statement costs Postgres, read from `pg_stat_statements` — for the statement census
 * (`npm run bench:statements`). The extension must be preloaded, which the machine's shared server is not and cannot
 * be without a restart, so the census runs on a throwaway cluster started with `STATEMENT_CENSUS_SETTINGS`.
 * `track = all` counts the statements run inside functions and triggers (`ds_apply_writes`, `case_projection_apply`,
 * the audit chain's trigger) apart from the call that ran them (`toplevel` false); a top-level call's time includes
 * theirs.
 */
import type { Sql } from 'postgres';

export const STATEMENT_CENSUS_SETTINGS = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'all',
  'pg_stat_statements.track_planning': 'on',
  'pg_stat_statements.max': '10000',
} as const;

/** One normalized statement of one database, as counted since the last reset. Times in ms. */
export interface StatementStat {
  database: string;
  /** false: run inside a function or trigger (its time is also in the top-level call's). */
  toplevel: boolean;
  query: string;
  calls: number;
  execMs: number;
  planMs: number;
  rows: number;
  blocksHit: number;
  blocksRead: number;
  blocksDirtied: number;
  walRecords: number;
  walFullPageImages: number;
  walBytes: number;
}

/** Creates the extension (in the database `sql` is connected to: the view then shows every database's statements). */
export async function enableStatementCensus(sql: Sql): Promise<void> {
  await sql`create extension if not exists pg_stat_statements`;
}

export async function resetStatementCensus(sql: Sql): Promise<void> {
  await sql`select pg_stat_statements_reset()`;
}

/** Every statement of `databases` counted since the last reset. */
export async function readStatementCensus(sql: Sql, databases: readonly string[]): Promise<StatementStat[]> {
  const rows = await sql<Record<string, unknown>[]>`
    select d.datname as database, s.toplevel, s.query, s.calls::float8 as calls, s.total_exec_time as exec_ms,
           s.total_plan_time as plan_ms, s.rows::float8 as rows, s.shared_blks_hit::float8 as blocks_hit,
           s.shared_blks_read::float8 as blocks_read, s.shared_blks_dirtied::float8 as blocks_dirtied,
           s.wal_records::float8 as wal_records, s.wal_fpi::float8 as wal_fpi, s.wal_bytes::float8 as wal_bytes
      from pg_stat_statements s join pg_database d on d.oid = s.dbid
     where d.datname = any(${databases as string[]})`;
  return rows.map((r) => ({
    database: String(r.database),
    toplevel: Boolean(r.toplevel),
    query: String(r.query),
    calls: Number(r.calls),
    execMs: Number(r.exec_ms),
    planMs: Number(r.plan_ms),
    rows: Number(r.rows),
    blocksHit: Number(r.blocks_hit),
    blocksRead: Number(r.blocks_read),
    blocksDirtied: Number(r.blocks_dirtied),
    walRecords: Number(r.wal_records),
    walFullPageImages: Number(r.wal_fpi),
    walBytes: Number(r.wal_bytes),
  }));
}
