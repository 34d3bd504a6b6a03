/**
 * Schedules of the development server: one row per (namespace, schedule id) with the schedule's state as
 * jsonb (`ScheduleRecord`), an optimistic `version`, and `next_wake_at`, the time the runner must next look at
 * it (null: only a request or a closing workflow wakes it), indexed so the runner loads what is due.
 */
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const dsSchedules = pgTable(
  'ds_schedules',
  {
    namespaceId: uuid('namespace_id').notNull(),
    scheduleId: text('schedule_id').notNull(),
    version: integer('version').notNull(),
    nextWakeAt: timestamp('next_wake_at', { withTimezone: true, mode: 'date' }),
    state: jsonb('state').notNull().$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.namespaceId, t.scheduleId] }), index('ds_schedules_wake_idx').on(t.nextWakeAt)],
);
