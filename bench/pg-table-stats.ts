/**
 * Which tables a phase of a bench read, from Postgres's cumulative statistics (pg_stat_user_tables): rows read by
 * sequential scans and fetched through indexes, per table, between two snapshots. It says which query grows with
 * the data when a latency does (bench:scale's decisions), without pg_stat_statements.
 */
import postgres from 'postgres';

type TableReads = { seqScans: number; seqRows: number; idxScans: number; idxRows: number; deadRows: number };
export type TableStats = Map<string, TableReads>;

/** One snapshot of every user table of these databases, keyed "database.table". */
export async function tableStats(dbUrls: string[]): Promise<TableStats> {
  const out: TableStats = new Map();
  for (const dbUrl of dbUrls) {
    const db = postgres(dbUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
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
    } finally {
      await db.end();
    }
  }
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
