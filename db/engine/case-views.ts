/**
 * Writing and reading one case of the read model. A projection is applied in one transaction: the case row is
 * upserted only when its transition number is newer than the stored one (a retried or late projection changes
 * nothing), then the kinds of child rows that changed are replaced (a digest per kind is kept on the case row: a
 * transition typically changes its steps and work items, not its parties or fields). Query functions take (db, params).
 */
import { createHash } from 'node:crypto';
import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Executor } from '../connection';
import type { CaseRows } from './case-rows';
import { caseDecisions, caseFields, caseParties, caseSteps, caseViews, caseWorkItems } from './read-model-schema';

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

function parseDigest(stored: string | null | undefined): Partial<ChildrenDigest> {
  if (!stored) return {};
  try {
    return JSON.parse(stored) as Partial<ChildrenDigest>;
  } catch {
    return {}; // unreadable: everything is rewritten
  }
}

async function insertChildren(tx: Executor, rows: CaseRows): Promise<void> {
  for (const key of CHILD_KEYS) if (rows[key].length > 0) await tx.insert(CHILD_TABLES[key]).values(rows[key] as never);
}

/** Replaces the case's child rows of every kind whose digest differs from the stored one (all of them when none is). */
async function replaceChildren(tx: Executor, rows: CaseRows, stored: Partial<ChildrenDigest> = {}, digest?: ChildrenDigest): Promise<void> {
  for (const key of CHILD_KEYS) {
    if (digest && stored[key] === digest[key]) continue;
    const table = CHILD_TABLES[key];
    await tx.delete(table).where(eq(table.caseId, rows.view.caseId));
    const values = rows[key];
    if (values.length > 0) await tx.insert(table).values(values as never);
  }
}

export interface ApplyOptions {
  /** Rewrite every kind of child row, whatever the digest says (ops reproject). */
  repair?: boolean;
  /** More writes in the same transaction, told whether the projection was applied (the case's service-quality record). */
  alongside?: (tx: Executor, applied: boolean) => Promise<void>;
}

/**
 * Applies a case's rows at their transition number, never backwards. The same transition applied again replaces
 * the stored one: it comes from a workflow task retried after its first attempt died uncommitted (the projection
 * is a local activity, and each attempt computes its document with its own time), and the history keeps the
 * retry's — found by `npm run bench:chaos`, where the kept first attempt's settledAt then differed from the
 * history. An older transition never overwrites a newer one (`repair`, from reproject, behaves the same).
 */
export async function applyCaseRows(db: Executor, rows: CaseRows, projectedAt: string, opts: ApplyOptions = {}): Promise<ApplyResult> {
  return db.transaction(async (tx) => {
    const result = await applyInTransaction(tx, rows, projectedAt, opts);
    await opts.alongside?.(tx, result.applied);
    return result;
  });
}

async function applyInTransaction(tx: Executor, rows: CaseRows, projectedAt: string, opts: ApplyOptions): Promise<ApplyResult> {
  // Locked: the stored digest stays the one the child rows match until this transaction ends.
  const [stored] = await tx
    .select({ seq: caseViews.seq, childrenDigest: caseViews.childrenDigest })
    .from(caseViews)
    .where(eq(caseViews.caseId, rows.view.caseId))
    .for('update');
  if (stored && stored.seq > rows.view.seq) return { applied: false };
  const digest = childrenDigestOf(rows);
  const values = { ...rows.view, projectedAt, childrenDigest: JSON.stringify(digest) };
  const { caseId: _key, ...update } = values;
  const newer = sql`${caseViews.seq} <= excluded.seq`;
  const written = await tx
    .insert(caseViews)
    .values(values)
    .onConflictDoUpdate({ target: caseViews.caseId, set: update, setWhere: newer })
    .returning({ caseId: caseViews.caseId });
  if (written.length === 0) return { applied: false };
  // A repair (ops reproject) rewrites every kind: what is stored may differ from what the digest says.
  await replaceChildren(tx, rows, opts.repair || !stored ? {} : parseDigest(stored.childrenDigest), digest);
  return { applied: true };
}

/** The API's row at submission (transition 0), before the workflow's first projection; never overwrites one. */
export async function insertSubmittedCase(db: Executor, rows: CaseRows, projectedAt: string): Promise<void> {
  await db.transaction(async (tx) => {
    const written = await tx
      .insert(caseViews)
      .values({ ...rows.view, projectedAt, childrenDigest: JSON.stringify(childrenDigestOf(rows)) })
      .onConflictDoNothing()
      .returning({ caseId: caseViews.caseId });
    // A new case row has no child rows (they are only ever written with their case row): nothing to delete.
    if (written.length > 0) await insertChildren(tx, rows);
  });
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const TIMESTAMPS = new Set(['receivedAt', 'dossierCompleteAt', 'settledAt', 'deadlineAt', 'projectedAt', 'startedAt', 'dueAt', 'completedAt', 'at', 'since']);

/** Timestamps as ISO strings (the drivers return Postgres' text form). */
function normalise<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = { ...row };
  for (const k of Object.keys(out)) if (TIMESTAMPS.has(k)) out[k] = iso(out[k]);
  return out as T;
}

export async function getCaseView(db: Executor, caseId: string): Promise<CaseViewRow | null> {
  const [row] = await db.select(VIEW_COLUMNS).from(caseViews).where(eq(caseViews.caseId, caseId)).limit(1);
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
