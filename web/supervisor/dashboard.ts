/**
 * The supervisor's service-quality dashboard: the Decision 766 indicators and the read model's KPIs for a period,
 * filtered by agency, procedure and province and grouped by one of them — computed by `computeKpis` with the very
 * parameters `GET /kpis` passes, so the figures are the API's —; their daily history from the snapshots; the open
 * cases past their legal deadline now (paged on the server). An officer sees their own agency's figures, as in the
 * API.
 */
import { AgencyNotPrincipalError } from '../../api/errors';
import type { Executor } from '../../db/connection';
import { computeKpis, kpisToCsv, type KpiGroup, type KpiRow } from '../../db/engine/kpis';
import { listKpiSnapshots, type KpiSnapshotRow } from '../../db/engine/kpi-snapshots';
import { listCases, type CaseListItem } from '../../db/engine/case-lists';
import { localDateOf, startOfLocalDay } from '../../domain/working-days';
import type { Principal } from '../../identity/claims';
import type { AgencyId } from '../../domain/registries';

export const PERIODS = ['today', 'last7', 'last30', 'thisYear', 'all'] as const;
export type Period = (typeof PERIODS)[number];

export interface DashboardQuery {
  agency?: AgencyId;
  procedureId?: string;
  provinceCode?: string;
  period: Period;
  groupBy?: KpiGroup;
  /** Overdue list paging (cursor of the read model's case list). */
  overdueCursor?: string;
}

export interface Dashboard {
  query: DashboardQuery;
  /** The period as `GET /kpis` takes it ([from, to), ISO instants; absent for "all"). */
  from?: string;
  to?: string;
  /** Overall (one row "all") or one row per group. */
  rows: KpiRow[];
  /** Daily history (snapshots) of the overall row, or of the agency's row for an agency filter. */
  history: KpiSnapshotRow[];
  overdue: { items: CaseListItem[]; nextCursor: string | null };
}

/** Another agency's indicators: the API's refusal for it, one class. */
export { AgencyNotPrincipalError as AgencyScopeError };

/** [from, to) of a period, local days (UTC+7) as the snapshots count them. */
export function periodBounds(period: Period, now: Date): { from?: string; to?: string; fromDay?: string; toDay: string } {
  const today = localDateOf(now);
  const to = new Date(now.getTime() + 1).toISOString();
  const daysBack = (n: number) => localDateOf(new Date(now.getTime() - n * 86_400_000));
  const fromDay = period === 'today' ? today : period === 'last7' ? daysBack(6) : period === 'last30' ? daysBack(29) : period === 'thisYear' ? `${today.slice(0, 4)}-01-01` : undefined;
  return { ...(fromDay ? { from: startOfLocalDay(fromDay).toISOString(), fromDay } : {}), ...(period === 'all' ? {} : { to }), toDay: today };
}

/** The officer's indicators are their agency's (GET /kpis pins them the same way). */
export function scopedQuery(principal: Principal, q: DashboardQuery): DashboardQuery {
  if (principal.kind !== 'officer') return q;
  if (q.agency !== undefined && q.agency !== principal.agency) throw new AgencyNotPrincipalError(q.agency);
  return { ...q, agency: principal.agency };
}

export async function supervisorDashboard(db: Executor, principal: Principal, query: DashboardQuery, now: Date): Promise<Dashboard> {
  const q = scopedQuery(principal, query);
  const { from, to, fromDay, toDay } = periodBounds(q.period, now);
  const rows = await computeKpis(db, { agency: q.agency, procedureId: q.procedureId, provinceCode: q.provinceCode, from, to, groupBy: q.groupBy, now });
  // Snapshots are kept overall and per agency, procedure and province: the history follows the one filter given.
  const [groupBy, groupKey] = q.agency ? ['agency', q.agency] : q.procedureId ? ['procedure', q.procedureId] : q.provinceCode ? ['province', q.provinceCode] : ['all', 'all'];
  const history = await listKpiSnapshots(db, { from: fromDay, to: toDay, groupBy, groupKey });
  const overdue = await listCases(db, { agency: q.agency, procedureId: q.procedureId, provinceCode: q.provinceCode, overdue: true, cursor: q.overdueCursor, limit: 20, now });
  return { query: q, ...(from ? { from } : {}), ...(to ? { to } : {}), rows, history, overdue };
}

export function dashboardCsv(d: Dashboard): string {
  return kpisToCsv(d.rows);
}
