/**
 * `npm run ops -- reproject [<caseId>..] [--all] [--dry-run]`: rebuilds the read model from workflow histories and
 * reports every difference it repaired. A case's newest projection is rebuilt from its history: by the workflow's
 * projection query, which an engine worker answers from the history (replayed when the case is not in its cache), or,
 * for cases started before the projection became a sink, from the newest `projectCase` local activity's marker.
 */
import { decodeHistoryEvents } from '../worker/codec/history-decoding';
import type { temporal } from '@temporalio/proto';
import type { PayloadConverter } from '@temporalio/common';
import { caseRowsOf, type CaseRows } from '../db/engine/case-rows';
import { applyCaseRows, readCaseRows } from '../db/engine/case-views';
import type { CaseProjectionDocument } from '../workflows/projection';
import { PROJECT_CASE_ACTIVITY, projectionQuery } from '../workflows/projection';
import { caseWorkflowId } from '../workflows/case-client';
import { recordOperatorAction, requireActor, type Operator } from './audit';
import { CASE_PREFIX, caseIdOf, nowOf, OpsError, type OpsDeps } from './common';

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export interface CaseRepair {
  caseId: string;
  /** Transition number of the projection rebuilt from the history (0: a case that never projected). */
  transition: number;
  /** `history`: the newest local-activity marker; `replay`: the projection query (the history replayed by the code). */
  source: 'history' | 'replay';
  /** Each difference found, e.g. "case_views.status: active → done", "case_steps: missing residence". */
  differences: string[];
  repaired: boolean;
}

export interface ReprojectReport {
  dryRun: boolean;
  checked: number;
  repairs: CaseRepair[];
  failures: { caseId: string; error: string }[];
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * The projection documents a case's history holds (decoded: decodeHistoryEvents), in history order: the results of
 * its `projectCase` local activities (cases started before the projection became a sink; none for later ones).
 */
export function projectionDocuments(converter: PayloadConverter, events: readonly HistoryEvent[]): CaseProjectionDocument[] {
  const docs: CaseProjectionDocument[] = [];
  for (const e of events) {
    const m = e.markerRecordedEventAttributes;
    if (!m || m.markerName !== LOCAL_ACTIVITY_MARKER) continue;
    const data = m.details?.data?.payloads?.[0];
    const result = m.details?.result?.payloads?.[0];
    if (!data || !result) continue;
    const meta = converter.fromPayload<{ activity_type?: string; activityType?: string }>(data);
    if ((meta.activity_type ?? meta.activityType) !== PROJECT_CASE_ACTIVITY) continue;
    docs.push(converter.fromPayload<CaseProjectionDocument>(result));
  }
  return docs;
}

/** The newest projection document a case's history holds, or null when it holds none. */
export function lastProjection(converter: PayloadConverter, events: readonly HistoryEvent[]): CaseProjectionDocument | null {
  let best: CaseProjectionDocument | null = null;
  for (const doc of projectionDocuments(converter, events)) if (!best || doc.seq > best.seq) best = doc;
  return best;
}

async function documentOf(deps: OpsDeps, caseId: string): Promise<{ doc: CaseProjectionDocument; source: CaseRepair['source'] }> {
  const handle = deps.client.workflow.getHandle(caseWorkflowId(caseId));
  const history = await handle.fetchHistory();
  const events = await decodeHistoryEvents(deps.client.options.loadedDataConverter.payloadCodecs, history.events ?? []);
  const doc = lastProjection(deps.client.options.loadedDataConverter.payloadConverter, events);
  if (doc) return { doc, source: 'history' };
  if (!events[0]?.workflowExecutionStartedEventAttributes) throw new OpsError('CASE_NOT_FOUND', `No case ${caseId}`);
  return { doc: await handle.query(projectionQuery), source: 'replay' };
}

/** JSON with object keys sorted at every level (jsonb does not keep key order). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
const show = (v: unknown) => (typeof v === 'string' ? v : canonical(v));

/** Every difference between the stored rows and the rows the history gives. */
export function diffCaseRows(stored: CaseRows | null, rebuilt: CaseRows): string[] {
  if (!stored) return ['case_views: missing'];
  const out: string[] = [];
  const view = stored.view as Record<string, unknown>;
  for (const [k, v] of Object.entries(rebuilt.view)) {
    if (k === 'snapshot') continue;
    if (show(view[k] ?? null) !== show(v ?? null)) out.push(`case_views.${k}: ${show(view[k] ?? null)} → ${show(v ?? null)}`);
  }
  if (show(stored.view.snapshot) !== show(rebuilt.view.snapshot)) out.push('case_views.snapshot: differs');
  const tables = { parties: 'case_parties', steps: 'case_steps', decisions: 'case_decisions', fields: 'case_fields', workItems: 'case_work_items' } as const;
  for (const [key, table] of Object.entries(tables) as [keyof typeof tables, string][]) {
    const canon = (rows: readonly object[]) => new Set(rows.map((r) => canonical(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? null])))));
    const have = canon(stored[key]);
    const want = canon(rebuilt[key]);
    const missing = [...want].filter((r) => !have.has(r));
    const extra = [...have].filter((r) => !want.has(r));
    for (const r of missing) out.push(`${table}: missing ${r}`);
    for (const r of extra) out.push(`${table}: unexpected ${r}`);
  }
  return out;
}

export interface ReprojectOptions {
  caseIds?: string[];
  all?: boolean;
  dryRun?: boolean;
  operator?: Operator;
  reason?: string;
  onProgress?: (message: string) => void;
}

async function allCaseIds(deps: OpsDeps): Promise<string[]> {
  const ids: string[] = [];
  const query = `WorkflowType = 'runProcedure' AND WorkflowId STARTS_WITH '${CASE_PREFIX}'`;
  for await (const info of deps.client.workflow.list({ query })) ids.push(caseIdOf(info.workflowId));
  return [...new Set(ids)];
}

export async function reproject(deps: OpsDeps, opts: ReprojectOptions): Promise<ReprojectReport> {
  if (!opts.dryRun) requireActor(opts.operator, opts.reason);
  if (!opts.all && !(opts.caseIds?.length)) throw new OpsError('CASE_REQUIRED', 'reproject needs case ids or --all');
  const ids = opts.all ? await allCaseIds(deps) : opts.caseIds!;
  const report: ReprojectReport = { dryRun: opts.dryRun === true, checked: 0, repairs: [], failures: [] };
  for (const caseId of ids) {
    try {
      const { doc, source } = await documentOf(deps, caseId);
      const rebuilt = caseRowsOf(doc);
      const stored = await readCaseRows(deps.db, caseId);
      report.checked++;
      // A projection newer than the history's: its workflow task is in flight (written before the task completes).
      const inFlight = stored !== null && stored.view.seq > doc.seq;
      const differences = inFlight ? [] : diffCaseRows(stored, rebuilt);
      if (differences.length > 0) {
        if (!opts.dryRun) {
          await applyCaseRows(deps.db, rebuilt, nowOf(deps).toISOString(), { repair: true });
          await recordOperatorAction(deps.db, {
            operator: opts.operator!,
            action: 'reproject',
            reason: opts.reason!,
            caseId,
            procedureId: doc.snapshot.procedureId,
            procedureVersion: doc.snapshot.procedureVersion,
            details: { transition: doc.seq, source, differences: differences.length },
            outcome: 'ok',
            at: nowOf(deps).toISOString(),
          });
        }
        report.repairs.push({ caseId, transition: doc.seq, source, differences, repaired: !opts.dryRun });
      }
    } catch (e) {
      report.failures.push({ caseId, error: e instanceof Error ? e.message : String(e) });
    }
    if (report.checked % 100 === 0) opts.onProgress?.(`${report.checked} of ${ids.length} cases checked, ${report.repairs.length} to repair`);
  }
  return report;
}
