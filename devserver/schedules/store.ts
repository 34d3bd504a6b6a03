/** Query functions over `ds_schedules`, each taking an Executor `(db, params)`. */
import { and, asc, eq, inArray, isNotNull, lte, min } from 'drizzle-orm';
import type { Executor } from '../../db/connection';
import type { ScheduleRecord } from './model';
import { dsSchedules as t } from './schema';

export interface ScheduleRow {
  version: number;
  record: ScheduleRecord;
}

export async function loadSchedule(db: Executor, namespaceId: string, scheduleId: string): Promise<ScheduleRow | null> {
  const rows = await db
    .select({ version: t.version, state: t.state })
    .from(t)
    .where(and(eq(t.namespaceId, namespaceId), eq(t.scheduleId, scheduleId)));
  const r = rows[0];
  return r ? { version: r.version, record: r.state as unknown as ScheduleRecord } : null;
}

/** Inserts a new schedule; false when the id is taken in the namespace. */
export async function insertSchedule(db: Executor, rec: ScheduleRecord, nextWakeAt: number | null): Promise<boolean> {
  const res = await db
    .insert(t)
    .values({
      namespaceId: rec.namespaceId,
      scheduleId: rec.scheduleId,
      version: 1,
      nextWakeAt: nextWakeAt != null ? new Date(nextWakeAt) : null,
      state: rec as unknown as Record<string, unknown>,
    })
    .onConflictDoNothing()
    .returning({ v: t.version });
  return res.length === 1;
}

/** Version-checked update; false when the row changed (or was deleted) since it was read. */
export async function updateSchedule(db: Executor, rec: ScheduleRecord, version: number, nextWakeAt: number | null): Promise<boolean> {
  const res = await db
    .update(t)
    .set({ version: version + 1, nextWakeAt: nextWakeAt != null ? new Date(nextWakeAt) : null, state: rec as unknown as Record<string, unknown> })
    .where(and(eq(t.namespaceId, rec.namespaceId), eq(t.scheduleId, rec.scheduleId), eq(t.version, version)))
    .returning({ v: t.version });
  return res.length === 1;
}

export async function deleteSchedule(db: Executor, namespaceId: string, scheduleId: string): Promise<boolean> {
  const res = await db
    .delete(t)
    .where(and(eq(t.namespaceId, namespaceId), eq(t.scheduleId, scheduleId)))
    .returning({ id: t.scheduleId });
  return res.length === 1;
}

/** Schedules due at `now` (oldest first). */
export async function dueSchedules(db: Executor, now: Date, limit: number): Promise<{ namespaceId: string; scheduleId: string }[]> {
  return db
    .select({ namespaceId: t.namespaceId, scheduleId: t.scheduleId })
    .from(t)
    .where(lte(t.nextWakeAt, now))
    .orderBy(asc(t.nextWakeAt))
    .limit(limit);
}

export async function nextWakeAt(db: Executor): Promise<number | null> {
  const rows = await db.select({ at: min(t.nextWakeAt) }).from(t).where(isNotNull(t.nextWakeAt));
  const at = rows[0]?.at;
  return at ? new Date(at).getTime() : null;
}

/** Every schedule of a namespace, or the named ones (list without a visibility module, and list pages). */
export async function schedulesOf(db: Executor, namespaceId: string, ids?: string[]): Promise<ScheduleRecord[]> {
  if (ids && ids.length === 0) return [];
  const rows = await db
    .select({ state: t.state })
    .from(t)
    .where(ids ? and(eq(t.namespaceId, namespaceId), inArray(t.scheduleId, ids)) : eq(t.namespaceId, namespaceId))
    .orderBy(asc(t.scheduleId));
  return rows.map((r) => r.state as unknown as ScheduleRecord);
}

/** Every schedule with workflows running (the runner watches them from startup on). */
export async function allSchedules(db: Executor): Promise<ScheduleRecord[]> {
  const rows = await db.select({ state: t.state }).from(t);
  return rows.map((r) => r.state as unknown as ScheduleRecord);
}
