/**
 * Service-quality indicators (Decision 766/QD-TTg) computed from the read model; formulas in docs/read-model.md.
 * One SQL aggregate per request, grouped by agency, procedure or province. Query module: (db, params).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../connection';

/** Channels that count as online dossiers (Decision 766: "dossiers submitted online"). */
export const ONLINE_CHANNELS: readonly string[] = ['portal', 'vneid', 'api'];

/**
 * Decision 766 group scores the read model supports: maximum points and the rate that earns full marks. Reconstructed
 * from the portal's reporting, not a legal text (DOMAIN.md): configuration.
 */
export const DECISION_766_SCORES = {
  progress: { max: 20, fullAt: 1 },
  onlineDossiers: { max: 6, fullAt: 0.5 },
  electronicResults: { max: 6, fullAt: 1 },
  dataReuse: { max: 2, fullAt: 0.8 },
  populationData: { max: 2, fullAt: 1 },
} as const;

export const KPI_GROUPS = ['agency', 'procedure', 'province'] as const;
export type KpiGroup = (typeof KPI_GROUPS)[number];

export interface KpiParams {
  agency?: string;
  procedureId?: string;
  provinceCode?: string;
  communeCode?: string;
  /** Period [from, to) (ISO instants): received-based indicators count receptions in it, settled-based ones settlements. */
  from?: string;
  to?: string;
  groupBy?: KpiGroup;
  /** "Now" for the overdue count. */
  now: Date;
}

export interface KpiRow {
  /** The group's key (agency id, procedure id, province code), or "all". */
  group: string;
  received: number;
  settled: number;
  settledOnTime: number;
  onTimeRate: number | null;
  overdueNow: number;
  averageSettlementWorkingDays: number | null;
  p90SettlementWorkingDays: number | null;
  onlineShare: number | null;
  reuseRate: number | null;
  populationDataShare: number | null;
  electronicResultShare: number | null;
  scores: Record<keyof typeof DECISION_766_SCORES, number | null> & { total: number | null };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const round = (v: number | null, digits = 4) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

function score(name: keyof typeof DECISION_766_SCORES, rate: number | null): number | null {
  if (rate === null) return null;
  const { max, fullAt } = DECISION_766_SCORES[name];
  return round(max * Math.min(1, rate / fullAt), 2);
}

export async function computeKpis(db: Executor, p: KpiParams): Promise<KpiRow[]> {
  const from = p.from ?? '-infinity';
  const to = p.to ?? 'infinity';
  const now = p.now.toISOString();
  const receivedIn = sql`(v.received_at >= ${from}::timestamptz and v.received_at < ${to}::timestamptz)`;
  const settledIn = sql`(v.settled_at >= ${from}::timestamptz and v.settled_at < ${to}::timestamptz)`;
  const overdue = sql`(v.settled_at is null and v.deadline_at < ${now}::timestamptz)`;
  const byAgency = p.groupBy === 'agency' || p.agency !== undefined;
  const where: SQL[] = [sql`(${receivedIn} or ${settledIn} or ${overdue})`];
  if (p.procedureId !== undefined) where.push(sql`v.procedure_id = ${p.procedureId}`);
  if (p.provinceCode !== undefined) where.push(sql`v.province_code = ${p.provinceCode}`);
  if (p.communeCode !== undefined) where.push(sql`v.commune_code = ${p.communeCode}`);
  if (p.agency !== undefined) where.push(sql`a.agency = ${p.agency}`);
  const key =
    p.groupBy === 'agency' ? sql`a.agency` : p.groupBy === 'procedure' ? sql`v.procedure_id` : p.groupBy === 'province' ? sql`coalesce(v.province_code, '')` : sql`'all'`;
  // A case counts for every agency that has a step in it.
  const source = byAgency ? sql`case_views v cross join lateral unnest(v.agencies) as a(agency)` : sql`case_views v`;
  const result: any = await db.execute(sql`
    select ${key} as "group",
      count(*) filter (where ${receivedIn})::int as received,
      count(*) filter (where ${settledIn})::int as settled,
      count(*) filter (where ${settledIn} and v.on_time)::int as settled_on_time,
      count(*) filter (where ${overdue})::int as overdue_now,
      avg(v.settlement_working_days) filter (where ${settledIn})::float8 as avg_days,
      percentile_cont(0.9) within group (order by v.settlement_working_days) filter (where ${settledIn})::float8 as p90_days,
      count(*) filter (where ${receivedIn} and v.channel in (${sql.join(ONLINE_CHANNELS.map((c) => sql`${c}`), sql`, `)}))::int as online,
      coalesce(sum(v.fields_reused) filter (where ${receivedIn}), 0)::int as reused,
      coalesce(sum(v.fields_collected) filter (where ${receivedIn}), 0)::int as collected,
      count(*) filter (where ${receivedIn} and v.population_data_used)::int as population,
      count(*) filter (where ${settledIn} and v.electronic_result)::int as electronic
    from ${source}
    where ${sql.join(where, sql` and `)}
    group by 1
    order by 1`);
  const rows: any[] = Array.isArray(result) ? result : result.rows;
  return rows.map((r) => {
    const n = (k: string) => Number(r[k] ?? 0);
    const received = n('received');
    const settled = n('settled');
    const onTime = n('settled_on_time');
    const progressRate = received > 0 ? Math.min(1, onTime / received) : null;
    const onlineShare = ratio(n('online'), received);
    const reuseRate = ratio(n('reused'), n('reused') + n('collected'));
    const populationDataShare = ratio(n('population'), received);
    const electronicResultShare = ratio(n('electronic'), settled);
    const scores = {
      progress: score('progress', progressRate),
      onlineDossiers: score('onlineDossiers', onlineShare),
      electronicResults: score('electronicResults', electronicResultShare),
      dataReuse: score('dataReuse', reuseRate),
      populationData: score('populationData', populationDataShare),
    };
    const known = Object.values(scores).filter((v): v is number => v !== null);
    return {
      group: String(r.group),
      received,
      settled,
      settledOnTime: onTime,
      onTimeRate: round(ratio(onTime, settled)),
      overdueNow: n('overdue_now'),
      averageSettlementWorkingDays: r.avg_days === null ? null : round(Number(r.avg_days), 2),
      p90SettlementWorkingDays: r.p90_days === null ? null : round(Number(r.p90_days), 2),
      onlineShare: round(onlineShare),
      reuseRate: round(reuseRate),
      populationDataShare: round(populationDataShare),
      electronicResultShare: round(electronicResultShare),
      scores: { ...scores, total: known.length ? round(known.reduce((a, b) => a + b, 0), 2) : null },
    };
  });
}

export const KPI_CSV_COLUMNS = [
  'group',
  'received',
  'settled',
  'settledOnTime',
  'onTimeRate',
  'overdueNow',
  'averageSettlementWorkingDays',
  'p90SettlementWorkingDays',
  'onlineShare',
  'reuseRate',
  'populationDataShare',
  'electronicResultShare',
  'score.progress',
  'score.onlineDossiers',
  'score.electronicResults',
  'score.dataReuse',
  'score.populationData',
  'score.total',
] as const;

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function kpisToCsv(rows: readonly KpiRow[]): string {
  const lines = [KPI_CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      KPI_CSV_COLUMNS.map((c) => csvCell(c.startsWith('score.') ? r.scores[c.slice(6) as keyof KpiRow['scores']] : r[c as keyof KpiRow])).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
