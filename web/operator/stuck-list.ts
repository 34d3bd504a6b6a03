/**
 * The operator's list of stuck cases (ops/stuck.ts `findStuck`, the same search as `npm run ops -- stuck` and
 * `GET /ops/stuck`), with the console's filters — procedure, agency, reason, age —, counts per reason and a page of
 * cases. Age is how long ago the case was received (its first workflow run's start).
 */
import { findStuck, type StuckCase, type StuckKind, type StuckReason } from '../../ops/stuck';
import type { OpsDeps } from '../../ops/common';

export const STUCK_KINDS: readonly StuckKind[] = ['activityRetrying', 'noWorker', 'pastDeadline', 'workflowTaskFailing'];
/** Age filters offered by the console (minimum age of the case). */
export const AGE_FILTERS = { '1h': 3_600_000, '1d': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
export type AgeFilter = keyof typeof AGE_FILTERS;

export interface StuckFilter {
  procedureId?: string;
  agency?: string;
  kind?: StuckKind;
  age?: AgeFilter;
  page?: number;
  pageSize?: number;
}

export interface StuckPage {
  /** Cases stuck for each reason, under the filters other than the reason (a case may count under several). */
  counts: Record<StuckKind, number>;
  total: number;
  page: number;
  pageCount: number;
  items: StuckCase[];
}

export const STUCK_PAGE_SIZE = 25;

/** A replay incompatibility is a failing workflow task whose cause is nondeterminism: named apart in the console. */
export function isReplayIncompatibility(r: StuckReason): boolean {
  return r.kind === 'workflowTaskFailing' && /NON_DETERMINISTIC|nondetermin/i.test(`${r.cause ?? ''} ${r.message ?? ''}`);
}

export async function listStuck(deps: OpsDeps, filter: StuckFilter, tuning: { notPickedUpMs?: number; pollerStaleMs?: number; queryTimeoutMs?: number } = {}): Promise<StuckPage> {
  const all = await findStuck(deps, {
    procedureId: filter.procedureId,
    agency: filter.agency,
    olderThanMs: filter.age ? AGE_FILTERS[filter.age] : undefined,
    ...tuning,
  });
  const counts = Object.fromEntries(STUCK_KINDS.map((k) => [k, all.filter((c) => c.reasons.some((r) => r.kind === k)).length])) as Record<StuckKind, number>;
  const kept = filter.kind ? all.filter((c) => c.reasons.some((r) => r.kind === filter.kind)) : all;
  kept.sort((a, b) => a.startTime.localeCompare(b.startTime) || a.caseId.localeCompare(b.caseId)); // oldest first
  const pageSize = Math.max(1, Math.min(100, filter.pageSize ?? STUCK_PAGE_SIZE));
  const pageCount = Math.max(1, Math.ceil(kept.length / pageSize));
  const page = Math.min(Math.max(1, filter.page ?? 1), pageCount);
  return { counts, total: kept.length, page, pageCount, items: kept.slice((page - 1) * pageSize, page * pageSize) };
}
