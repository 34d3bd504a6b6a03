/**
 * The statement census's summary (`npm run bench:statements`): per database, what a birth-group case costs Postgres
 * — statements, time in them, planning, its backends' CPU, WAL — and the statements that cost the most, top-level
 * and run inside functions or triggers, per case. Markdown, to paste into docs/performance.md.
 */
import type { StatementStat } from './statement-census';
import { fmt, machineLine, markdownTable } from './report';

export interface CensusDatabase {
  name: string;
  /** What the database holds, as the tables name it (e.g. "the engine and registries"). */
  label: string;
  /** CPU of its backends over the measured batch, ms (from /proc). */
  backendCpuMs: number;
}

/** A statement's text short enough for a table cell: long column lists elided, one line, no pipes. */
export function shortQuery(query: string, max = 96): string {
  let q = query.replace(/\s+/g, ' ').trim();
  // drizzle names every column: the table and the condition say more.
  q = q.replace(/^select (.{40,}?) from /i, 'select … from ');
  q = q.replace(/^insert into (\S+) \((.{30,}?)\) (values|select)/i, 'insert into $1 (…) $3');
  q = q.replace(/\|/g, '¦');
  return q.length > max ? `${q.slice(0, max - 1)}…` : q;
}

/** The statements of one database and level, merged by text (several users' rows of one statement), dearest first. */
function merged(stats: readonly StatementStat[], database: string, toplevel: boolean): StatementStat[] {
  const byQuery = new Map<string, StatementStat>();
  for (const s of stats) {
    if (s.database !== database || s.toplevel !== toplevel) continue;
    const m = byQuery.get(s.query);
    if (!m) {
      byQuery.set(s.query, { ...s });
      continue;
    }
    for (const k of ['calls', 'execMs', 'planMs', 'rows', 'blocksHit', 'blocksRead', 'blocksDirtied', 'walRecords', 'walFullPageImages', 'walBytes'] as const) m[k] += s[k];
  }
  return [...byQuery.values()].sort((a, b) => b.execMs + b.planMs - (a.execMs + a.planMs));
}

const sum = (xs: readonly StatementStat[], k: keyof StatementStat) => xs.reduce((a, s) => a + (s[k] as number), 0);

/** One database's totals per case (top-level statements only: a nested one's time is already in its caller's). */
export function censusTotals(stats: readonly StatementStat[], database: string, cases: number) {
  const top = merged(stats, database, true);
  return {
    statements: sum(top, 'calls') / cases,
    execMs: sum(top, 'execMs') / cases,
    planMs: sum(top, 'planMs') / cases,
    walKb: sum(top, 'walBytes') / 1024 / cases,
    walFullPageImages: sum(top, 'walFullPageImages') / cases,
    blocksDirtied: sum(top, 'blocksDirtied') / cases,
  };
}

function statementRows(list: StatementStat[], cases: number, totalMs: number, top: number): string[][] {
  return list.slice(0, top).map((s) => [
    `\`${shortQuery(s.query)}\``,
    fmt(s.calls / cases),
    fmt((s.execMs + s.planMs) / Math.max(s.calls, 1), 3),
    fmt((s.execMs + s.planMs) / cases, 2),
    `${fmt((100 * (s.execMs + s.planMs)) / Math.max(totalMs, 1e-9), 0)}%`,
    fmt(s.rows / Math.max(s.calls, 1)),
    fmt(s.walBytes / 1024 / cases, 1),
  ]);
}

export function statementCensusSummary(
  stats: readonly StatementStat[],
  opts: { cases: number; databases: readonly CensusDatabase[]; heading: string; top?: number },
): string {
  const { cases } = opts;
  const top = opts.top ?? 12;
  const out = [`### npm run bench:statements — ${machineLine()}${opts.heading ? ` · ${opts.heading}` : ''}`, ''];
  out.push(
    markdownTable(
      ['database', 'statements per case', 'ms in statements per case', 'ms planning', 'backends’ CPU ms per case', 'WAL kB per case', 'WAL full-page images', 'blocks dirtied'],
      opts.databases.map((d) => {
        const t = censusTotals(stats, d.name, cases);
        return [d.label, fmt(t.statements), fmt(t.execMs, 2), fmt(t.planMs, 2), fmt(d.backendCpuMs / cases, 2), fmt(t.walKb), fmt(t.walFullPageImages), fmt(t.blocksDirtied)];
      }),
    ),
  );
  const header = ['statement', 'calls per case', 'ms per call', 'ms per case', 'share', 'rows per call', 'WAL kB per case'];
  for (const d of opts.databases) {
    const t = censusTotals(stats, d.name, cases);
    const totalMs = (t.execMs + t.planMs) * cases;
    const topLevel = merged(stats, d.name, true);
    out.push('', `#### ${d.label}: the ${Math.min(top, topLevel.length)} dearest of ${topLevel.length} statements (time = execution + planning; share of the database's)`, '');
    out.push(markdownTable(header, statementRows(topLevel, cases, totalMs, top)));
    const nested = merged(stats, d.name, false);
    if (nested.length) {
      out.push('', `#### ${d.label}: run inside functions and triggers (their time is also in the call above that ran them)`, '');
      out.push(markdownTable(header, statementRows(nested, cases, totalMs, top)));
    }
  }
  return out.join('\n');
}
