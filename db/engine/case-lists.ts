/**
 * Case lists from the read model, with keyset (cursor) pagination on indexed orderings. Query modules (db, params):
 * an authorization layer pins the filters that scope a caller (a citizen's `personalId`; an officer's `agency`,
 * `provinceCode`, `communeCode`) before calling them.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from '../connection';
import { CodedError } from '../../domain/error-codes';
import type { CaseViewStatus } from './read-model-schema';

export const MAX_PAGE_SIZE = 200;

export class InvalidCursorError extends CodedError {
  constructor() {
    super('INVALID_CURSOR', 'The cursor is not one this list returned.');
  }
}

/** Opaque cursor: the sort key of the last row of the page. */
function encodeCursor(key: (string | null)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string, length: number): (string | null)[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === length && key.every((k) => k === null || typeof k === 'string')) return key;
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface CaseListItem {
  caseId: string;
  procedureId: string;
  procedureVersion: number;
  status: CaseViewStatus;
  outcome: string | null;
  activeStates: string[];
  receivedAt: string;
  settledAt: string | null;
  deadlineAt: string | null;
  overdue: boolean;
  provinceCode: string | null;
  communeCode: string | null;
}

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const limitOf = (limit: number | undefined) => Math.min(Math.max(1, limit ?? 50), MAX_PAGE_SIZE);

const ITEM_COLUMNS = sql`v.case_id, v.procedure_id, v.procedure_version, v.status, v.outcome, v.active_states, v.received_at,
  v.settled_at, v.deadline_at, v.province_code, v.commune_code`;

function itemOf(r: any, now: Date): CaseListItem {
  const deadlineAt = iso(r.deadline_at);
  const settledAt = iso(r.settled_at);
  return {
    caseId: r.case_id,
    procedureId: r.procedure_id,
    procedureVersion: Number(r.procedure_version),
    status: r.status,
    outcome: r.outcome ?? null,
    activeStates: r.active_states ?? [],
    receivedAt: iso(r.received_at)!,
    settledAt,
    deadlineAt,
    overdue: settledAt === null && deadlineAt !== null && deadlineAt < now.toISOString(),
    provinceCode: r.province_code ?? null,
    communeCode: r.commune_code ?? null,
  };
}

/** Newest first: (received_at, case_id) descending. */
function newestFirstPage(rows: any[], limit: number, now: Date): Page<CaseListItem> {
  const items = rows.slice(0, limit).map((r) => itemOf(r, now));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.receivedAt, last.caseId]) : null };
}

function afterNewest(cursor: string | undefined, received: SQL, caseId: SQL): SQL | undefined {
  if (cursor === undefined) return undefined;
  const [at, id] = decodeCursor(cursor, 2);
  return sql`(${received}, ${caseId}) < (${at}::timestamptz, ${id})`;
}

export interface PersonCasesParams {
  /** The citizen: cases where they are the applicant or a party (parent, child, household head…). */
  personalId: string;
  cursor?: string;
  limit?: number;
  now: Date;
}

export async function listPersonCases(db: Executor, p: PersonCasesParams): Promise<Page<CaseListItem & { roles: string[] }>> {
  const limit = limitOf(p.limit);
  const after = afterNewest(p.cursor, sql`cp.received_at`, sql`cp.case_id`);
  const result = await db.execute(sql`
    with mine as (
      select cp.case_id, cp.received_at, array_agg(cp.role order by cp.role) as roles
        from case_parties cp
       where cp.personal_id = ${p.personalId} ${after ? sql`and ${after}` : sql``}
       group by cp.case_id, cp.received_at
       order by cp.received_at desc, cp.case_id desc
       limit ${limit + 1})
    select ${ITEM_COLUMNS}, mine.roles from mine join case_views v on v.case_id = mine.case_id
     order by mine.received_at desc, mine.case_id desc`);
  const rows = rowsOf(result);
  const page = newestFirstPage(rows, limit, p.now);
  return { ...page, items: page.items.map((item, i) => ({ ...item, roles: rows[i].roles ?? [] })) };
}

export interface CaseSearchParams {
  /** Cases with a step of this agency (an officer's search is pinned to theirs). */
  agency?: string;
  procedureId?: string;
  status?: CaseViewStatus;
  outcome?: string;
  provinceCode?: string;
  communeCode?: string;
  /** Received in [receivedFrom, receivedTo) (ISO instants). */
  receivedFrom?: string;
  receivedTo?: string;
  /** Only open cases past their legal deadline. */
  overdue?: boolean;
  cursor?: string;
  limit?: number;
  now: Date;
}

export async function listCases(db: Executor, p: CaseSearchParams): Promise<Page<CaseListItem>> {
  const limit = limitOf(p.limit);
  const where: SQL[] = [];
  if (p.agency !== undefined) where.push(sql`${p.agency} = any(v.agencies)`);
  if (p.procedureId !== undefined) where.push(sql`v.procedure_id = ${p.procedureId}`);
  if (p.status !== undefined) where.push(sql`v.status = ${p.status}`);
  if (p.outcome !== undefined) where.push(sql`v.outcome = ${p.outcome}`);
  if (p.provinceCode !== undefined) where.push(sql`v.province_code = ${p.provinceCode}`);
  if (p.communeCode !== undefined) where.push(sql`v.commune_code = ${p.communeCode}`);
  if (p.receivedFrom !== undefined) where.push(sql`v.received_at >= ${p.receivedFrom}::timestamptz`);
  if (p.receivedTo !== undefined) where.push(sql`v.received_at < ${p.receivedTo}::timestamptz`);
  if (p.overdue === true) where.push(sql`v.settled_at is null and v.deadline_at < ${p.now.toISOString()}::timestamptz`);
  if (p.overdue === false) where.push(sql`not (v.settled_at is null and coalesce(v.deadline_at < ${p.now.toISOString()}::timestamptz, false))`);
  const after = afterNewest(p.cursor, sql`v.received_at`, sql`v.case_id`);
  if (after) where.push(after);
  const result = await db.execute(sql`
    select ${ITEM_COLUMNS} from case_views v
     ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}
     order by v.received_at desc, v.case_id desc
     limit ${limit + 1}`);
  return newestFirstPage(rowsOf(result), limit, p.now);
}

export interface WorkQueueParams {
  agency: string;
  provinceCode?: string;
  communeCode?: string;
  procedureId?: string;
  cursor?: string;
  limit?: number;
  now: Date;
}

export interface WorkItem {
  caseId: string;
  procedureId: string;
  /** The events the agency may send now (its decision). */
  events: string[];
  since: string;
  /** Legal deadline of the step awaiting the agency. */
  dueAt: string | null;
  overdue: boolean;
  provinceCode: string | null;
  communeCode: string | null;
}

/**
 * The query of a work-queue page (`limit` + 1 rows: one more says there is a next page). Each filter has an index
 * in its order (read-model-schema.ts: by agency, by agency and locality, by agency and procedure).
 */
export function workQueueQuery(p: Omit<WorkQueueParams, 'now'>): SQL {
  const limit = limitOf(p.limit);
  const where: SQL[] = [sql`w.agency = ${p.agency}`];
  if (p.provinceCode !== undefined) where.push(sql`w.province_code = ${p.provinceCode}`);
  if (p.communeCode !== undefined) where.push(sql`w.commune_code = ${p.communeCode}`);
  if (p.procedureId !== undefined) where.push(sql`w.procedure_id = ${p.procedureId}`);
  if (p.cursor !== undefined) {
    const [due, id] = decodeCursor(p.cursor, 2);
    where.push(
      due === null
        ? sql`w.due_at is null and w.case_id > ${id}`
        : sql`((w.due_at, w.case_id) > (${due}::timestamptz, ${id}) or w.due_at is null)`,
    );
  }
  return sql`
    select w.case_id, w.procedure_id, w.events, w.since, w.due_at, w.province_code, w.commune_code
      from case_work_items w
     where ${sql.join(where, sql` and `)}
     order by w.due_at asc nulls last, w.case_id asc
     limit ${limit + 1}`;
}

/** An agency's work queue: cases awaiting its action, earliest legal deadline first (no deadline last). */
export async function listWorkQueue(db: Executor, p: WorkQueueParams): Promise<Page<WorkItem>> {
  const limit = limitOf(p.limit);
  const rows = rowsOf(await db.execute(workQueueQuery(p)));
  const now = p.now.toISOString();
  const items: WorkItem[] = rows.slice(0, limit).map((r) => {
    const dueAt = iso(r.due_at);
    return {
      caseId: r.case_id,
      procedureId: r.procedure_id,
      events: r.events ?? [],
      since: iso(r.since)!,
      dueAt,
      overdue: dueAt !== null && dueAt < now,
      provinceCode: r.province_code ?? null,
      communeCode: r.commune_code ?? null,
    };
  });
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.dueAt, last.caseId]) : null };
}
