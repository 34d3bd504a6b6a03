/**
 * The case read model: an event-sourced projection of every case, written by the case workflow's projection local
 * activity once per transition (docs/read-model.md). Reads (GET /cases/{id}, lists, KPIs) never touch a workflow.
 * A newer transition of a case (`case_views.seq`) replaces the kinds of its child rows that changed (`children_digest`).
 */
import { sql } from 'drizzle-orm';
import { CASE_STATUSES, type CaseStatusName } from '../../domain/case-vocabulary';
import { boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** The read model's case statuses are the one case vocabulary (domain/case-vocabulary.ts), not a copy of it. */
export const CASE_VIEW_STATUSES = CASE_STATUSES;
export type CaseViewStatus = CaseStatusName;

/** Outcomes after which the applicant holds an electronic result (certificate, card, record) issued by the engine. */
export const RESULT_OUTCOMES: readonly string[] = ['completed', 'partiallyCompleted'];

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

export const caseViews = pgTable(
  'case_views',
  {
    caseId: text('case_id').primaryKey(),
    /** Transition number of the workflow that wrote this row (0: the API's row at submission). */
    seq: integer('seq').notNull(),
    procedureId: text('procedure_id').notNull(),
    procedureVersion: integer('procedure_version').notNull(),
    applicantId: text('applicant_id'),
    channel: text('channel'),
    /** Agencies with a step in the case (KPIs per agency count the case for each). */
    agencies: text('agencies').array().notNull(),
    provinceCode: text('province_code'),
    communeCode: text('commune_code'),
    status: text('status', { enum: CASE_VIEW_STATUSES }).notNull(),
    outcome: text('outcome'),
    activeStates: text('active_states').array().notNull(),
    receivedAt: ts('received_at').notNull(),
    dossierCompleteAt: ts('dossier_complete_at'),
    settledAt: ts('settled_at'),
    /** Legal deadline of the whole case ("total" step). */
    deadlineAt: ts('deadline_at'),
    onTime: boolean('on_time'),
    /** Working days from the complete dossier to settlement (0: settled the same working day). */
    settlementWorkingDays: integer('settlement_working_days'),
    fieldsReused: integer('fields_reused').notNull(),
    fieldsCollected: integer('fields_collected').notNull(),
    populationDataUsed: boolean('population_data_used').notNull(),
    electronicResult: boolean('electronic_result').notNull(),
    /** The case as GET /cases/{id} shows it (the workflow's own snapshot at this transition). */
    snapshot: jsonb('snapshot').notNull(),
    projectedAt: ts('projected_at').notNull(),
    /**
     * A digest of each kind of child row as last written (db/engine/case-views.ts): a transition rewrites only the
     * kinds that changed. Null (rows written before it): everything is rewritten once.
     */
    childrenDigest: text('children_digest'),
  },
  (t) => [
    index('case_views_received_idx').on(t.receivedAt, t.caseId),
    index('case_views_procedure_idx').on(t.procedureId, t.receivedAt, t.caseId),
    index('case_views_status_idx').on(t.status, t.receivedAt, t.caseId),
    index('case_views_outcome_idx').on(t.outcome, t.receivedAt, t.caseId),
    index('case_views_locality_idx').on(t.provinceCode, t.communeCode, t.receivedAt, t.caseId),
    index('case_views_open_deadline_idx').on(t.deadlineAt).where(sql`${t.settledAt} is null`),
    index('case_views_settled_idx').on(t.settledAt),
  ],
);

/** Everyone the case is about or from (applicant, parents, child, household head…): "my cases" as applicant or party. */
export const caseParties = pgTable(
  'case_parties',
  {
    caseId: text('case_id').notNull(),
    personalId: text('personal_id').notNull(),
    /** Where in the case the person appears, e.g. "applicant", "mother.personalId", "household.headId". */
    role: text('role').notNull(),
    receivedAt: ts('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.personalId, t.role] }), index('case_parties_person_idx').on(t.personalId, t.receivedAt, t.caseId)],
);

export const caseSteps = pgTable(
  'case_steps',
  {
    caseId: text('case_id').notNull(),
    step: text('step').notNull(),
    /** The agency that acts in the step (null for "total", the whole case). */
    agency: text('agency'),
    startedAt: ts('started_at'),
    dueAt: ts('due_at'),
    completedAt: ts('completed_at'),
    onTime: boolean('on_time'),
    workingDays: integer('working_days').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.step] }), index('case_steps_agency_idx').on(t.agency, t.completedAt)],
);

export const caseDecisions = pgTable(
  'case_decisions',
  {
    caseId: text('case_id').notNull(),
    /** 1-based order of the decision in the case. */
    n: integer('n').notNull(),
    type: text('type').notNull(),
    actor: text('actor').notNull(),
    agency: text('agency'),
    at: ts('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.n] })],
);

export const FIELD_SOURCES = ['registry', 'citizen', 'step'] as const;
export type FieldSourceKind = (typeof FIELD_SOURCES)[number];

/** Data provenance: where each field of the case came from. */
export const caseFields = pgTable(
  'case_fields',
  {
    caseId: text('case_id').notNull(),
    field: text('field').notNull(),
    source: text('source', { enum: FIELD_SOURCES }).notNull(),
    registry: text('registry'),
    step: text('step'),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.field] })],
);

/** An agency's work queue: the cases awaiting its action now, with the legal deadline of the step. */
export const caseWorkItems = pgTable(
  'case_work_items',
  {
    caseId: text('case_id').notNull(),
    agency: text('agency').notNull(),
    events: text('events').array().notNull(),
    since: ts('since').notNull(),
    dueAt: ts('due_at'),
    procedureId: text('procedure_id').notNull(),
    provinceCode: text('province_code'),
    communeCode: text('commune_code'),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.agency] }),
    index('case_work_items_queue_idx').on(t.agency, t.dueAt, t.caseId),
    // A queue filtered by procedure stays an index range when that procedure is a small part of the agency's work.
    index('case_work_items_procedure_idx').on(t.agency, t.procedureId, t.dueAt, t.caseId),
    index('case_work_items_locality_idx').on(t.agency, t.provinceCode, t.communeCode, t.dueAt, t.caseId),
  ],
);

/** Daily service-quality indicators (taken by the `kpi-daily-snapshot` Temporal Schedule): their history. */
export const kpiSnapshots = pgTable(
  'kpi_snapshots',
  {
    day: date('day', { mode: 'string' }).notNull(),
    /** "all", or "agency", "procedure", "province" (the group-by of the row). */
    groupBy: text('group_by').notNull(),
    groupKey: text('group_key').notNull(),
    indicators: jsonb('indicators').notNull(),
    takenAt: ts('taken_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.groupBy, t.groupKey] })],
);
