/**
 * Durable storage of the development server. One row per run in `executions` (mutable state as jsonb,
 * optimistic `version`), one row per history event, task-queue items, deadlines (every timed thing) and
 * the current-run pointer per workflow id.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

import { bytea } from './bytea';

export const dsNamespaces = pgTable('ds_namespaces', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** description, owner email, retention (ms), data map. */
  config: jsonb('config').notNull().$type<Record<string, unknown>>(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
});

/** The current (latest) run of each workflow id. */
export const dsCurrentRuns = pgTable(
  'ds_current_runs',
  {
    namespaceId: uuid('namespace_id').notNull(),
    workflowId: text('workflow_id').notNull(),
    runId: uuid('run_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.namespaceId, t.workflowId] })],
);

export const dsExecutions = pgTable(
  'ds_executions',
  {
    runId: uuid('run_id').primaryKey(),
    namespaceId: uuid('namespace_id').notNull(),
    workflowId: text('workflow_id').notNull(),
    /** Bumped on every committed mutation (optimistic concurrency + cache validation). */
    version: integer('version').notNull(),
    nextEventId: integer('next_event_id').notNull(),
    status: integer('status').notNull(),
    state: jsonb('state').notNull().$type<Record<string, unknown>>(),
  },
  (t) => [index('ds_executions_wf_idx').on(t.namespaceId, t.workflowId)],
);

export const dsHistoryEvents = pgTable(
  'ds_history_events',
  {
    runId: uuid('run_id').notNull(),
    eventId: integer('event_id').notNull(),
    /** temporal.api.history.v1.HistoryEvent, protobuf-encoded. */
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.eventId] })],
);

/** Workflow and activity tasks waiting for a poller. */
export const dsTasks = pgTable(
  'ds_tasks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    namespaceId: uuid('namespace_id').notNull(),
    taskQueue: text('task_queue').notNull(),
    /** 'workflow' | 'activity' */
    kind: text('kind').notNull(),
    runId: uuid('run_id').notNull(),
    scheduledEventId: integer('scheduled_event_id').notNull(),
    attempt: integer('attempt').notNull(),
    visibleAt: timestamp('visible_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('ds_tasks_queue_idx').on(t.namespaceId, t.kind, t.taskQueue, t.visibleAt, t.id)],
);

/** Everything that happens at a point in time: user timers, activity/workflow-task/workflow timeouts, retry backoffs. */
export const dsDeadlines = pgTable(
  'ds_deadlines',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: uuid('run_id').notNull(),
    kind: text('kind').notNull(),
    fireAt: timestamp('fire_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** Identifies the entity and the generation it belongs to (stale deadlines are no-ops). */
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    /** What the deadline belongs to ('wft', 'act:5', 'att:5:2', 'timer:t1', 'run'): dropped when that completes. */
    entity: text('entity').notNull().default(''),
  },
  (t) => [index('ds_deadlines_fire_idx').on(t.fireAt, t.id), index('ds_deadlines_run_idx').on(t.runId, t.entity)],
);

/** Start request ids already served (idempotent StartWorkflowExecution / SignalWithStart). */
export const dsRequestIds = pgTable(
  'ds_request_ids',
  {
    namespaceId: uuid('namespace_id').notNull(),
    requestId: text('request_id').notNull(),
    runId: uuid('run_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.namespaceId, t.requestId] })],
);

export const devserverSchema = {
  dsNamespaces,
  dsCurrentRuns,
  dsExecutions,
  dsHistoryEvents,
  dsTasks,
  dsDeadlines,
  dsRequestIds,
};
