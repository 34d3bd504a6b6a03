/**
 * All writes of one run in one SQL statement (data-modifying CTEs): the execution row (version-checked
 * update, or insert), new history events, new tasks, obsolete deadlines out, new deadlines in, and optionally
 * the claimed task row. Every part is gated on the execution write (and on the claim), so either all of it
 * happens or nothing does. One round trip instead of one per table.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/connection';
import type { RunState } from '../engine/state';
import type { DeadlineInsert, TaskInsert } from './store';
import { toBuffer } from './bytea';

export interface TaskKey {
  taskQueue: string;
  runId: string;
  kind: string;
  scheduledEventId: number;
  attempt: number;
}

export interface RunWrite {
  state: RunState;
  isNew: boolean;
  version: number;
  events: { eventId: number; data: Uint8Array }[];
  tasks: TaskInsert[];
  deadlines: DeadlineInsert[];
  /** null = all of the run's deadlines; [] = none. */
  cancelEntities: string[] | null;
  claim?: TaskKey;
  /** A due deadline this write consumes (deleted in the same statement; nothing is written if it is gone). */
  consumeDeadlineId?: number;
}


export function runStatement(w: RunWrite): SQL {
  const s = w.state;
  const parts: SQL[] = [];
  const gate = sql`exists (select 1 from upd)`;
  if (w.claim) {
    parts.push(
      sql`del as (delete from ds_tasks where run_id = ${w.claim.runId}::uuid and task_queue = ${w.claim.taskQueue} and kind = ${w.claim.kind} and scheduled_event_id = ${w.claim.scheduledEventId}::int and attempt = ${w.claim.attempt}::int returning 1)`,
    );
  }
  if (w.consumeDeadlineId != null) {
    parts.push(sql`dl as (delete from ds_deadlines where id = ${w.consumeDeadlineId}::bigint returning 1)`);
  }
  const gates: SQL[] = [];
  if (w.claim) gates.push(sql` and exists (select 1 from del)`);
  if (w.consumeDeadlineId != null) gates.push(sql` and exists (select 1 from dl)`);
  const stateJson = JSON.stringify(s);
  if (w.isNew) {
    parts.push(
      sql`upd as (insert into ds_executions (run_id, namespace_id, workflow_id, version, next_event_id, status, state) values (${s.runId}::uuid, ${s.namespaceId}::uuid, ${s.workflowId}, 1, ${s.nextEventId}::int, ${s.status}::int, ${stateJson}::jsonb) returning 1)`,
    );
  } else {
    parts.push(
      sql`upd as (update ds_executions set version = ${w.version + 1}::int, next_event_id = ${s.nextEventId}::int, status = ${s.status}::int, state = ${stateJson}::jsonb where run_id = ${s.runId}::uuid and version = ${w.version}::int${sql.join(gates, sql``)} returning 1)`,
    );
  }
  if (w.events.length) {
    const rows = sql.join(
      w.events.map((e) => sql`(${s.runId}::uuid, ${e.eventId}::int, ${toBuffer(e.data)}::bytea)`),
      sql`, `,
    );
    parts.push(sql`ev as (insert into ds_history_events (run_id, event_id, data) select * from (values ${rows}) v where ${gate} returning 1)`);
  }
  if (w.tasks.length) {
    const rows = sql.join(
      w.tasks.map(
        (t) =>
          sql`(${t.namespaceId}::uuid, ${t.taskQueue}::text, ${t.kind}::text, ${t.runId}::uuid, ${t.scheduledEventId}::int, ${t.attempt}::int, ${t.visibleAt.toISOString()}::timestamptz)`,
      ),
      sql`, `,
    );
    parts.push(
      sql`tk as (insert into ds_tasks (namespace_id, task_queue, kind, run_id, scheduled_event_id, attempt, visible_at) select * from (values ${rows}) v where ${gate} returning 1)`,
    );
  }
  if (!w.isNew && (w.cancelEntities === null || w.cancelEntities.length > 0)) {
    const which =
      w.cancelEntities === null ? sql`` : sql` and entity in (${sql.join(w.cancelEntities.map((e) => sql`${e}`), sql`, `)})`;
    const notConsumed = w.consumeDeadlineId != null ? sql` and id <> ${w.consumeDeadlineId}::bigint` : sql``;
    parts.push(sql`dd as (delete from ds_deadlines where run_id = ${s.runId}::uuid${which}${notConsumed} and ${gate} returning 1)`);
  }
  if (w.deadlines.length) {
    const rows = sql.join(
      w.deadlines.map(
        (d) => sql`(${d.runId}::uuid, ${d.kind}::text, ${d.fireAt.toISOString()}::timestamptz, ${JSON.stringify(d.payload)}::jsonb, ${d.entity}::text)`,
      ),
      sql`, `,
    );
    parts.push(
      sql`di as (insert into ds_deadlines (run_id, kind, fire_at, payload, entity) select * from (values ${rows}) v where ${gate} returning 1)`,
    );
  }
  const claimed = w.claim
    ? sql`(select count(*) from del)::int`
    : w.consumeDeadlineId != null
      ? sql`(select count(*) from dl)::int`
      : sql`1`;
  return sql`with ${sql.join(parts, sql`, `)} select (select count(*) from upd)::int as updated, ${claimed} as claimed`;
}

/** Executes and returns rows for both drivers (postgres.js returns an array, PGlite `{ rows }`). */
export async function execRows<T>(db: Executor, q: SQL): Promise<T[]> {
  const r = (await db.execute(q)) as unknown as T[] | { rows: T[] };
  return Array.isArray(r) ? r : r.rows;
}
