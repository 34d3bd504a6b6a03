/**
 * Writing and reading one case of the read model. A projection is applied in one statement, the database function
 * `case_projection_apply` (migration 0013): the case row is replaced only when its transition number is not older
 * than the stored one (a late projection changes nothing), then the kinds of child rows that changed are replaced
 * (a digest per kind is kept on the case row: a transition typically changes its steps and work items, not its
 * parties or fields), and the case's service-quality record is kept. Query functions take (db, params).
 */
import { createHash } from 'node:crypto';
import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Executor } from '../connection';
import type { CaseRows } from './case-rows';
import { caseDecisions, caseFields, caseParties, caseSteps, caseViews, caseWorkItems } from './read-model-schema';
import { caseRecords } from './schema';
import { rowByColumnName } from './column-json';
import { jsonFunctionCall, jsonFunctionCalls } from '../json-function-call';
import { perExecutor, preparedQuery } from '../prepared-query';
import { allOrNothing, GroupCommit } from '../group-commit';

const { childrenDigest: _digest, ...VIEW_COLUMNS } = getTableColumns(caseViews);
/** A case's row as readers see it (the write bookkeeping left out). */
export type CaseViewRow = Omit<typeof caseViews.$inferSelect, 'childrenDigest'>;

const CHILD_TABLES = { parties: caseParties, steps: caseSteps, decisions: caseDecisions, fields: caseFields, workItems: caseWorkItems } as const;
type ChildKey = keyof typeof CHILD_TABLES;
const CHILD_KEYS = Object.keys(CHILD_TABLES) as ChildKey[];

export interface ApplyResult {
  /** False when the stored projection was already at this transition or a newer one. */
  applied: boolean;
}

type ChildrenDigest = Record<ChildKey, string>;

/** A short digest of each kind of child row (the rows are pure functions of the document, in a stable order). */
function childrenDigestOf(rows: CaseRows): ChildrenDigest {
  const out = {} as ChildrenDigest;
  for (const key of CHILD_KEYS) out[key] = createHash('sha256').update(JSON.stringify(rows[key])).digest('base64url').slice(0, 22);
  return out;
}

export interface ApplyOptions {
  /** Rewrite every kind of child row, whatever the digest says (ops reproject). */
  repair?: boolean;
  /** The case's service-quality record, kept in the same transaction (the workflow's projection). */
  record?: CaseRecordWrite;
}

/** What a projection does to the case's service-quality record (`case_projection_apply`, migration 0013). */
export interface CaseRecordWrite {
  /**
   * The record as opened (by the first transition, or by the first applied one when it is missing): every column,
   * as the function inserts the row whole (a column left out would be null, not its default).
   */
  open: typeof caseRecords.$inferSelect;
  /** With every projection applied. `status` null keeps the stored one. */
  progress: { at: string; status: string | null; deadlineAt: string | null };
  /** The one settlement, once the case is closed. */
  settle: { settledAt: string; status: string; electronicResult: boolean } | null;
}

const callProjectionApply = jsonFunctionCall('case_projection_apply');

/** The document `case_projection_apply` reads: rows keyed by column name. */
function applyDocument(rows: CaseRows, projectedAt: string, opts: ApplyOptions): string {
  const digest = childrenDigestOf(rows);
  const children: Record<string, unknown[]> = {};
  for (const key of CHILD_KEYS) children[key] = (rows[key] as Record<string, unknown>[]).map((r) => rowByColumnName(CHILD_TABLES[key], r));
  const record = opts.record && {
    open: rowByColumnName(caseRecords, opts.record.open),
    progress: { at: opts.record.progress.at, status: opts.record.progress.status, deadline_at: opts.record.progress.deadlineAt },
    settle: opts.record.settle && { settled_at: opts.record.settle.settledAt, status: opts.record.settle.status, electronic_result: opts.record.settle.electronicResult },
  };
  return JSON.stringify({
    case_id: rows.view.caseId,
    seq: rows.view.seq,
    view: rowByColumnName(caseViews, { ...rows.view, projectedAt, childrenDigest: JSON.stringify(digest) }),
    digest,
    children,
    repair: opts.repair ?? false,
    record: record ?? null,
  });
}

/**
 * Applies a case's rows at their transition number, never backwards, with the kinds of child rows that changed and
 * the service-quality record, in one statement (`case_projection_apply`, migration 0013). The same transition
 * applied again replaces the stored one: it comes from a workflow task retried after its first attempt died
 * uncommitted, each attempt computing its document with its own time, and the history keeps the retry's — found
 * by `npm run bench:chaos`, where the kept first attempt's settledAt then differed from the history. An older
 * transition never overwrites a newer one (`repair`, from reproject, behaves the same).
 */
export async function applyCaseRows(db: Executor, rows: CaseRows, projectedAt: string, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const applied = await callProjectionApply(db, applyDocument(rows, projectedAt, opts));
  return { applied: applied === true };
}

const callProjectionApplyEach = jsonFunctionCalls('case_projection_apply');

/** Projections of many cases in one statement: sorted by case, so two batches lock their cases in the same order. */
async function applyDocuments(db: Executor, docs: { caseId: string; doc: string }[]): Promise<boolean[]> {
  const order = docs.map((_, i) => i).sort((a, b) => (docs[a].caseId < docs[b].caseId ? -1 : docs[a].caseId > docs[b].caseId ? 1 : a - b));
  const applied = await callProjectionApplyEach(
    db,
    order.map((i) => docs[i].doc),
  );
  const out: boolean[] = new Array(docs.length);
  order.forEach((i, k) => (out[i] = applied[k] === true));
  return out;
}

/**
 * `applyCaseRows` by group commit: projections of other cases made meanwhile share its statement and commit, and it
 * resolves once its own is committed. The same transition of a case applied twice in one batch, or an older one
 * after a newer, changes nothing more than one after the other would: the function never goes back. A batch the
 * database refuses is applied again document by document. Only for the database itself, never a transaction.
 */
export async function applyCaseRowsGrouped(db: Executor, rows: CaseRows, projectedAt: string, opts: ApplyOptions = {}): Promise<ApplyResult> {
  return { applied: await projectionGroupOf(db).submit({ caseId: rows.view.caseId, doc: applyDocument(rows, projectedAt, opts) }) };
}

// One group commit per database handle (the engine worker's projections, which run outside any transaction).
export const projectionGroupOf = perExecutor(
  (db) => new GroupCommit<{ caseId: string; doc: string }, boolean>({ write: (docs) => allOrNothing(applyDocuments(db, docs)), maxBatch: 64, retryAlone: true }),
);

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const TIMESTAMPS = new Set(['receivedAt', 'dossierCompleteAt', 'settledAt', 'deadlineAt', 'projectedAt', 'startedAt', 'dueAt', 'completedAt', 'at', 'since']);

/** Timestamps as ISO strings (the drivers return Postgres' text form). */
function normalise<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = { ...row };
  for (const k of Object.keys(out)) if (TIMESTAMPS.has(k)) out[k] = iso(out[k]);
  return out as T;
}

const selectCaseView = preparedQuery((db) =>
  db.select(VIEW_COLUMNS).from(caseViews).where(eq(caseViews.caseId, sql.placeholder('caseId'))).limit(1).prepare('case_view'),
);

export async function getCaseView(db: Executor, caseId: string): Promise<CaseViewRow | null> {
  const [row] = await selectCaseView(db, { caseId });
  return row ? normalise(row) : null;
}

/** Everything stored for a case, in the shape `caseRowsOf` produces (to compare and repair). */
export async function readCaseRows(db: Executor, caseId: string): Promise<(CaseRows & { projectedAt: string }) | null> {
  const view = await getCaseView(db, caseId);
  if (!view) return null;
  const { projectedAt, ...rest } = view;
  const children = {} as Omit<CaseRows, 'view'>;
  for (const key of CHILD_KEYS) {
    const table = CHILD_TABLES[key];
    const rows = await db.select().from(table).where(eq(table.caseId, caseId));
    (children as Record<ChildKey, unknown[]>)[key] = rows.map((r) => normalise(r as Record<string, unknown>));
  }
  return { view: rest, ...children, projectedAt };
}
