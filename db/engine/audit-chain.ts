/**
 * The tamper-evident audit log: every `audit_log` row carries the SHA-256 of its canonical serialization, which
 * includes the previous row's hash, in one chain per UTC day; each closed day's final hash is kept as its anchor
 * (`audit_anchors`). The database appends (trigger `audit_log_chain`, migration 0009): under the day's chain-head
 * lock, in the transaction that writes the row. This module re-computes every hash independently and names each
 * row that was modified, inserted or deleted, and each anchor or head that no longer matches its chain.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, gt, gte, lte, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../connection';
import { auditAnchors, auditChainHeads, auditLog } from './schema';

export const GENESIS_HASH = '0'.repeat(64);
const PAGE = 2000;

export type AuditChainProblemKind =
  /** The row's content or hash no longer matches (a field was edited). */
  | 'ROW_MODIFIED'
  /** A row that the chain does not account for (a second row at a place in the chain, or a forged link). */
  | 'ROW_INSERTED'
  /** Places in the chain with no row: rows were deleted. */
  | 'ROWS_DELETED'
  /** The day's anchor (final hash, row count) does not match the chain. */
  | 'ANCHOR_MISMATCH'
  /** The day's chain head does not match the chain's last row. */
  | 'HEAD_MISMATCH';

export interface AuditChainProblem {
  kind: AuditChainProblemKind;
  day: string;
  /** The row concerned (for deletions: the first row after the gap, if any). */
  rowId?: number;
  seq?: number;
  message: string;
}

export interface AuditDayReport {
  day: string;
  rows: number;
  anchored: boolean;
  ok: boolean;
}

export interface AuditVerifyReport {
  ok: boolean;
  days: AuditDayReport[];
  problems: AuditChainProblem[];
}

interface ChainRow {
  id: number;
  chainDay: string;
  chainSeq: number;
  atUtc: string;
  registry: string;
  operation: string;
  kind: string;
  subjectId: string | null;
  fields: string[];
  outcome: string;
  procedureId: string;
  procedureVersion: number;
  caseId: string;
  agency: string;
  purpose: string;
  legalBasis: string;
  actor: string;
  decidedBy: string | null;
  prevHash: string;
  hash: string;
}

/** Postgres's jsonb text form (`[a, b]`, ", " between elements): what `audit_log_canonical` produces in SQL. */
function jsonbText(v: unknown): string {
  return Array.isArray(v) ? `[${v.map(jsonbText).join(', ')}]` : JSON.stringify(v ?? null);
}

/** The canonical serialization of a row (version 1), the same bytes as the SQL function `audit_log_canonical`. */
export function canonicalAuditRow(r: Omit<ChainRow, 'hash'>): string {
  return jsonbText([
    1, r.id, r.chainDay, r.chainSeq, r.atUtc, r.registry, r.operation, r.kind, r.subjectId, r.fields, r.outcome,
    r.procedureId, r.procedureVersion, r.caseId, r.agency, r.purpose, r.legalBasis, r.actor, r.decidedBy, r.prevHash,
  ]);
}

export function auditRowHash(r: Omit<ChainRow, 'hash'>): string {
  return createHash('sha256').update(canonicalAuditRow(r), 'utf8').digest('hex');
}

const chainColumns = {
  id: auditLog.id,
  chainDay: auditLog.chainDay,
  chainSeq: auditLog.chainSeq,
  atUtc: sql<string>`to_char(${auditLog.at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  registry: auditLog.registry,
  operation: auditLog.operation,
  kind: auditLog.kind,
  subjectId: auditLog.subjectId,
  fields: auditLog.fields,
  outcome: auditLog.outcome,
  procedureId: auditLog.procedureId,
  procedureVersion: auditLog.procedureVersion,
  caseId: auditLog.caseId,
  agency: auditLog.agency,
  purpose: auditLog.purpose,
  legalBasis: auditLog.legalBasis,
  actor: auditLog.actor,
  decidedBy: auditLog.decidedBy,
  prevHash: auditLog.prevHash,
  hash: auditLog.hash,
};

/** A day's rows in chain order, a page at a time (a day may hold millions). */
async function* dayRows(db: Executor, day: string): AsyncGenerator<ChainRow> {
  let after: { seq: number; id: number } | null = null;
  for (;;) {
    const where: SQL[] = [eq(auditLog.chainDay, day)];
    if (after) where.push(or(gt(auditLog.chainSeq, after.seq), and(eq(auditLog.chainSeq, after.seq), gt(auditLog.id, after.id)))!);
    const page: ChainRow[] = await db
      .select(chainColumns)
      .from(auditLog)
      .where(and(...where))
      .orderBy(asc(auditLog.chainSeq), asc(auditLog.id))
      .limit(PAGE);
    for (const r of page) yield { ...r, chainSeq: Number(r.chainSeq), id: Number(r.id) };
    if (page.length < PAGE) return;
    const last = page[page.length - 1];
    after = { seq: Number(last.chainSeq), id: Number(last.id) };
  }
}

/** Walks one day's chain; returns its problems and where it ends. */
async function verifyDay(db: Executor, day: string): Promise<{ problems: AuditChainProblem[]; rows: number; lastSeq: number; lastHash: string }> {
  const problems: AuditChainProblem[] = [];
  let expectedSeq = 1;
  let expectedPrev = GENESIS_HASH;
  let rows = 0;
  for await (const r of dayRows(db, day)) {
    rows++;
    const at = { day, rowId: r.id, seq: r.chainSeq };
    if (auditRowHash(r) !== r.hash) {
      problems.push({ kind: 'ROW_MODIFIED', ...at, message: `row ${r.id} (${day} #${r.chainSeq}) was modified: its content no longer matches its hash` });
    } else if (r.chainSeq < expectedSeq) {
      problems.push({ kind: 'ROW_INSERTED', ...at, message: `row ${r.id} (${day} #${r.chainSeq}) was inserted: place #${r.chainSeq} is already taken in the chain` });
      continue; // the chain goes on from the row before it
    } else if (r.chainSeq > expectedSeq) {
      const gap = r.chainSeq - expectedSeq === 1 ? `#${expectedSeq}` : `#${expectedSeq}–#${r.chainSeq - 1}`;
      problems.push({ kind: 'ROWS_DELETED', ...at, message: `row(s) ${gap} of ${day} were deleted (missing before row ${r.id})` });
    } else if (r.prevHash !== expectedPrev) {
      problems.push({ kind: 'ROW_INSERTED', ...at, message: `row ${r.id} (${day} #${r.chainSeq}) does not follow the row before it: it, or the row before, was forged or replaced` });
    }
    expectedSeq = r.chainSeq + 1;
    expectedPrev = r.hash;
  }
  return { problems, rows, lastSeq: expectedSeq - 1, lastHash: expectedPrev };
}

function dayRange(column: PgColumn, from?: string, to?: string): SQL[] {
  const where: SQL[] = [];
  if (from) where.push(gte(column, from));
  if (to) where.push(lte(column, to));
  return where;
}

/** Verifies the chains of the days in [from, to] (UTC dates `YYYY-MM-DD`; all days when absent). */
export async function verifyAuditChain(db: Executor, range: { from?: string; to?: string } = {}): Promise<AuditVerifyReport> {
  const logDays = await db
    .selectDistinct({ day: auditLog.chainDay })
    .from(auditLog)
    .where(and(...dayRange(auditLog.chainDay, range.from, range.to)));
  const heads = await db.select().from(auditChainHeads).where(and(...dayRange(auditChainHeads.day , range.from, range.to)));
  const anchors = await db.select().from(auditAnchors).where(and(...dayRange(auditAnchors.day , range.from, range.to)));
  const days = [...new Set([...logDays.map((d) => d.day), ...heads.map((h) => h.day), ...anchors.map((a) => a.day)])].sort();
  const problems: AuditChainProblem[] = [];
  const reports: AuditDayReport[] = [];
  for (const day of days) {
    const chain = await verifyDay(db, day);
    const dayProblems = chain.problems;
    const head = heads.find((h) => h.day === day);
    const anchor = anchors.find((a) => a.day === day);
    const end = (n: number) => (chain.lastSeq < n ? `#${chain.lastSeq + 1}–#${n}` : '');
    if (!head) {
      dayProblems.push({ kind: 'HEAD_MISMATCH', day, message: `${day} has ${chain.rows} row(s) but no chain head` });
    } else if (Number(head.lastSeq) > chain.lastSeq) {
      dayProblems.push({ kind: 'ROWS_DELETED', day, seq: chain.lastSeq + 1, message: `row(s) ${end(Number(head.lastSeq))} at the end of ${day} were deleted (the chain head records ${head.lastSeq})` });
    } else if (Number(head.lastSeq) !== chain.lastSeq || head.lastHash !== chain.lastHash) {
      dayProblems.push({ kind: 'HEAD_MISMATCH', day, message: `the chain head of ${day} (#${head.lastSeq}) does not match the chain's last row (#${chain.lastSeq})` });
    }
    if (anchor && (Number(anchor.rowCount) !== chain.lastSeq || anchor.finalHash !== chain.lastHash)) {
      dayProblems.push({
        kind: 'ANCHOR_MISMATCH',
        day,
        message: `the anchor of ${day} (${anchor.rowCount} rows, ${anchor.finalHash.slice(0, 12)}…) does not match its chain (${chain.lastSeq} rows, ${chain.lastHash.slice(0, 12)}…)`,
      });
    }
    problems.push(...dayProblems);
    reports.push({ day, rows: chain.rows, anchored: !!anchor, ok: dayProblems.length === 0 });
  }
  return { ok: problems.length === 0, days: reports, problems };
}

/** Anchors every closed day (before today, UTC) that has none yet; returns the anchors written (or, dry, would write). */
export async function anchorClosedDays(db: Executor, opts: { dryRun?: boolean } = {}): Promise<{ day: string; rowCount: number; finalHash: string }[]> {
  if (opts.dryRun) {
    const open = await db
      .select()
      .from(auditChainHeads)
      .where(sql`${auditChainHeads.day} < (clock_timestamp() at time zone 'UTC')::date and not exists (select 1 from ${auditAnchors} a where a.day = ${auditChainHeads.day})`)
      .orderBy(asc(auditChainHeads.day));
    return open.map((h) => ({ day: h.day, rowCount: Number(h.lastSeq), finalHash: h.lastHash }));
  }
  const before = await db.select({ day: auditAnchors.day }).from(auditAnchors);
  await db.execute(sql`select audit_anchor_closed_days((clock_timestamp() at time zone 'UTC')::date)`);
  const known = new Set(before.map((b) => b.day));
  const after = await db.select().from(auditAnchors).orderBy(asc(auditAnchors.day));
  return after.filter((a) => !known.has(a.day)).map((a) => ({ day: a.day, rowCount: Number(a.rowCount), finalHash: a.finalHash }));
}

/** The anchors of [from, to]: the digests to publish or file outside the database. */
export async function listAnchors(db: Executor, range: { from?: string; to?: string } = {}) {
  const rows = await db.select().from(auditAnchors).where(and(...dayRange(auditAnchors.day , range.from, range.to))).orderBy(asc(auditAnchors.day));
  return rows.map((a) => ({ day: a.day, rowCount: Number(a.rowCount), finalHash: a.finalHash, anchoredAt: new Date(a.anchoredAt).toISOString() }));
}
