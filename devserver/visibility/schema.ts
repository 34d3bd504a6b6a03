/**
 * Visibility tables (drizzle schema; migrations generated into db/migrations/devserver).
 *
 * - `visibility_executions`: one row per (namespace, run); typed columns for system search attributes,
 *   `search_attributes` (name → normalized JSON value) for custom and predefined attributes, and
 *   `search_attribute_types` (name → type name at write time) which guards every typed cast at query time.
 * - `visibility_search_attributes`: the custom search attributes registered per namespace through the
 *   operator service.
 */
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

import { bytea } from '../storage/bytea';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 6 });

export const visibilityExecutions = pgTable(
  'visibility_executions',
  {
    namespaceId: text('namespace_id').notNull(),
    runId: text('run_id').notNull(),
    workflowId: text('workflow_id').notNull(),
    workflowType: text('workflow_type').notNull(),
    taskQueue: text('task_queue').notNull(),
    status: integer('status').notNull(),
    startTime: ts('start_time').notNull(),
    executionTime: ts('execution_time').notNull(),
    closeTime: ts('close_time'),
    historyLength: bigint('history_length', { mode: 'number' }).notNull().default(0),
    historySizeBytes: bigint('history_size_bytes', { mode: 'number' }).notNull().default(0),
    stateTransitionCount: bigint('state_transition_count', { mode: 'number' }).notNull().default(0),
    parentWorkflowId: text('parent_workflow_id'),
    parentRunId: text('parent_run_id'),
    rootWorkflowId: text('root_workflow_id'),
    rootRunId: text('root_run_id'),
    memo: bytea('memo'),
    searchAttributes: jsonb('search_attributes').$type<Record<string, unknown>>().notNull().default({}),
    searchAttributeTypes: jsonb('search_attribute_types').$type<Record<string, string>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ name: 'visibility_executions_pk', columns: [t.namespaceId, t.runId] }),
    index('visibility_executions_start_idx').on(t.namespaceId, t.startTime.desc(), t.runId),
    index('visibility_executions_close_idx').on(t.namespaceId, t.closeTime),
    index('visibility_executions_workflow_id_idx').on(t.namespaceId, t.workflowId),
    index('visibility_executions_type_idx').on(t.namespaceId, t.workflowType),
    index('visibility_executions_status_idx').on(t.namespaceId, t.status),
    index('visibility_executions_sa_gin_idx').using('gin', t.searchAttributes.op('jsonb_path_ops')),
  ],
);

export const visibilitySearchAttributes = pgTable(
  'visibility_search_attributes',
  {
    namespaceId: text('namespace_id').notNull(),
    name: text('name').notNull(),
    /** temporal.api.enums.v1.IndexedValueType */
    valueType: integer('value_type').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'visibility_search_attributes_pk', columns: [t.namespaceId, t.name] })],
);
