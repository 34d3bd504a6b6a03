/**
 * The daily snapshot of the service-quality indicators (history of the KPIs): for one local day (UTC+7), the
 * indicators overall and per agency, procedure and province, upserted by (day, group): a retried or repeated
 * snapshot of the same day replaces it. Taken by the `kpi-daily-snapshot` Temporal Schedule (workflows/kpi-snapshot.ts).
 */
import { and, asc, eq, gte, lte, type SQL } from 'drizzle-orm';
import type { Executor } from '../connection';
import { endOfLocalDay, startOfLocalDay } from '../../domain/working-days';
import { computeKpis, KPI_GROUPS, type KpiGroup, type KpiRow } from './kpis';
import { kpiSnapshots } from './read-model-schema';

export interface KpiSnapshotResult {
  day: string;
  rows: number;
}

export async function takeKpiSnapshot(db: Executor, p: { day: string; now: Date }): Promise<KpiSnapshotResult> {
  const from = startOfLocalDay(p.day).toISOString();
  const to = new Date(endOfLocalDay(p.day).getTime() + 1).toISOString();
  const groups: (KpiGroup | undefined)[] = [undefined, ...KPI_GROUPS];
  const values: (typeof kpiSnapshots.$inferInsert)[] = [];
  for (const groupBy of groups) {
    for (const row of await computeKpis(db, { from, to, groupBy, now: p.now })) {
      const { group, ...indicators } = row;
      values.push({ day: p.day, groupBy: groupBy ?? 'all', groupKey: group, indicators, takenAt: p.now.toISOString() });
    }
  }
  await db.transaction(async (tx) => {
    await tx.delete(kpiSnapshots).where(eq(kpiSnapshots.day, p.day));
    if (values.length > 0) await tx.insert(kpiSnapshots).values(values);
  });
  return { day: p.day, rows: values.length };
}

export interface KpiSnapshotRow {
  day: string;
  groupBy: string;
  groupKey: string;
  indicators: Omit<KpiRow, 'group'>;
}

export async function listKpiSnapshots(db: Executor, p: { from?: string; to?: string; groupBy?: string; groupKey?: string }): Promise<KpiSnapshotRow[]> {
  const where: SQL[] = [];
  if (p.from !== undefined) where.push(gte(kpiSnapshots.day, p.from));
  if (p.to !== undefined) where.push(lte(kpiSnapshots.day, p.to));
  if (p.groupBy !== undefined) where.push(eq(kpiSnapshots.groupBy, p.groupBy));
  if (p.groupKey !== undefined) where.push(eq(kpiSnapshots.groupKey, p.groupKey));
  const rows = await db
    .select()
    .from(kpiSnapshots)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(kpiSnapshots.day), asc(kpiSnapshots.groupBy), asc(kpiSnapshots.groupKey))
    .limit(10_000);
  return rows.map((r) => ({ day: String(r.day), groupBy: r.groupBy, groupKey: r.groupKey, indicators: r.indicators as KpiSnapshotRow['indicators'] }));
}
