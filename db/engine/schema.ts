/** The engine's own tables: who read or wrote which personal data and why, and per-dossier service KPIs. */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, date, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Every registry call (Decree 13/2023: log every access; citizens can see who read their data and why). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull(),
    registry: text('registry').notNull(),
    operation: text('operation').notNull(),
    /** `view`: an officer or operator looked at the person's case (not a registry call). */
    kind: text('kind', { enum: ['read', 'write', 'view'] }).notNull(),
    subjectId: text('subject_id'),
    fields: text('fields').array().notNull(),
    outcome: text('outcome', { enum: ['ok', 'not_found', 'error'] }).notNull(),
    procedureId: text('procedure_id').notNull(),
    procedureVersion: integer('procedure_version').notNull(),
    caseId: text('case_id').notNull(),
    agency: text('agency').notNull(),
    purpose: text('purpose').notNull(),
    legalBasis: text('legal_basis').notNull(),
    actor: text('actor').notNull(),
    /** Whose accepted event (an officer's decision, a citizen's consent) led to this call; null when none did. */
    decidedBy: text('decided_by'),
    /**
     * The hash chain (db/engine/audit-chain.ts): set by the `audit_log_chain` trigger under the day's chain-head lock,
     * whatever code inserts the row. `chain_day` is the UTC day the row was written, `chain_seq` its place in that
     * day's chain, `hash` = sha256(canonical row + `prev_hash`).
     */
    chainDay: date('chain_day', { mode: 'string' }).notNull().default(sql`(now() at time zone 'UTC')::date`),
    chainSeq: bigint('chain_seq', { mode: 'number' }).notNull().default(0),
    prevHash: text('prev_hash').notNull().default(''),
    hash: text('hash').notNull().default(''),
  },
  (t) => [
    index('audit_log_chain_idx').on(t.chainDay, t.chainSeq),
    check('audit_log_kind', sql`${t.kind} in ('read', 'write', 'view')`),
    check('audit_log_outcome', sql`${t.outcome} in ('ok', 'not_found', 'error')`),
    index('audit_log_case_idx').on(t.caseId, t.id),
    index('audit_log_subject_idx').on(t.subjectId, t.id),
  ],
);

/** Each day's chain head: the last row appended (locked `FOR UPDATE` by every append, so writers keep one chain). */
export const auditChainHeads = pgTable('audit_chain_heads', {
  day: date('day', { mode: 'string' }).primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
  lastHash: text('last_hash').notNull(),
});

/** A closed day's anchor digest: its final hash and row count, written when the next day opens or on demand. */
export const auditAnchors = pgTable('audit_anchors', {
  day: date('day', { mode: 'string' }).primaryKey(),
  rowCount: bigint('row_count', { mode: 'number' }).notNull(),
  finalHash: text('final_hash').notNull(),
  anchoredAt: timestamp('anchored_at', { withTimezone: true, mode: 'string' }).notNull(),
});

export const CASE_STATUSES = [
  'received',
  'in_progress',
  'supplement_requested',
  'settled',
  'partially_settled',
  'rejected',
  'withdrawn',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_CHANNELS = ['portal', 'vneid', 'counter', 'post', 'api'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

/** One row per dossier: the Decision 766/QD-TTg measures (progress, digitisation, satisfaction). */
export const caseRecords = pgTable(
  'case_records',
  {
    caseId: text('case_id').primaryKey(),
    procedureId: text('procedure_id').notNull(),
    procedureVersion: integer('procedure_version').notNull(),
    applicantId: text('applicant_id'),
    channel: text('channel', { enum: CASE_CHANNELS }).notNull(),
    status: text('status', { enum: CASE_STATUSES }).notNull().default('received'),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull(),
    deadlineAt: timestamp('deadline_at', { withTimezone: true, mode: 'string' }),
    settledAt: timestamp('settled_at', { withTimezone: true, mode: 'string' }),
    /** Null until settled; true when settled on or before the deadline. */
    onTime: boolean('on_time'),
    fieldsReused: integer('fields_reused').notNull().default(0),
    fieldsCollected: integer('fields_collected').notNull().default(0),
    electronicResult: boolean('electronic_result').notNull().default(false),
    /** 1 (very dissatisfied) … 5 (very satisfied). */
    satisfaction: integer('satisfaction'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [
    check('case_records_satisfaction_range', sql`${t.satisfaction} is null or ${t.satisfaction} between 1 and 5`),
    check('case_records_counts', sql`${t.fieldsReused} >= 0 and ${t.fieldsCollected} >= 0`),
    index('case_records_procedure_idx').on(t.procedureId, t.receivedAt),
    index('case_records_applicant_idx').on(t.applicantId),
  ],
);

/**
 * Idempotency of submissions, per principal: the same principal re-sending the same `Idempotency-Key` (or, without
 * one, the same application) gets its existing case; another principal's key never matches. Case ids are random,
 * so this table is the only way from an application to its case. The principal is the applicant's personal ID
 * until requests carry an authenticated principal.
 */
export const applicationKeys = pgTable(
  'application_keys',
  {
    principalId: text('principal_id').notNull(),
    /** sha256 of "key:<Idempotency-Key>" or "body:<procedure and canonical fields>". */
    keyHash: text('key_hash').notNull(),
    /** sha256 of the procedure and canonical fields: the same key with another application is refused. */
    bodyHash: text('body_hash').notNull(),
    caseId: text('case_id').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.principalId, t.keyHash] })],
);
