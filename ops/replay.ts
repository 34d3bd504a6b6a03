/**
 * Export a case's history, and replay open cases against workflow code before a deployment: the current bundle
 * (worker/agency-worker.ts WORKFLOWS_PATH) or a candidate (`workflowsPath`). Cases whose replay fails would get
 * stuck on a nondeterminism error after the deployment.
 */
import type { DataConverter } from '@temporalio/common';
import { decodeHistoryEvents } from '../worker/codec/history-decoding';
import { readFile, writeFile } from 'node:fs/promises';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { temporal as proto } from './proto';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { engineBundleOptions } from '../worker/agency-worker';
import { EngineWorker } from '../worker/sandbox/engine-worker';
import { caseRef, listCases, type CaseFilter, type OpsDeps } from './common';
import { REPLAY_READ_MODEL_SINKS } from '../activities/projection/sinks';

export interface ExportedHistory {
  caseId: string;
  workflowId: string;
  runId: string;
  procedureId: string;
  procedureVersion: number;
  exportedAt: string;
  /** Payloads decrypted (`ops export --decoded`): the file holds personal data in plain text. */
  decoded?: boolean;
  /**
   * The history as a plain object (protobufjs `toObject`: int64 and enums as strings, bytes base64), read back by
   * `replayFile`; a Temporal CLI export (`temporal workflow show --output json`) is accepted too.
   */
  history: unknown;
}

const History = proto.api.history.v1.History;

/** A history object from an export: ours (toObject format) or Temporal's JSON format. */
export function historyFromExport(raw: unknown): temporal.api.history.v1.History {
  const first = (raw as { events?: { eventType?: unknown; eventId?: unknown }[] })?.events?.[0];
  try {
    return History.fromObject(raw as Record<string, unknown>);
  } catch (err) {
    if (first === undefined) throw err;
    return historyFromJSON(raw) as temporal.api.history.v1.History;
  }
}

/**
 * The history as Temporal stores it: payloads encrypted (an export holds no plaintext personal data; `ops replay
 * --file` decodes with the key). `decoded`: payloads decrypted with this client's codec, for a reader without it.
 */
export async function exportHistory(deps: OpsDeps, caseId: string, file?: string, opts: { decoded?: boolean } = {}): Promise<ExportedHistory> {
  const ref = await caseRef(deps, caseId);
  const fetched = await deps.client.workflow.getHandle(ref.workflowId, ref.runId).fetchHistory();
  const history = opts.decoded ? await decodeHistoryEvents(deps.client.options.loadedDataConverter.payloadCodecs, fetched) : fetched;
  const out: ExportedHistory = {
    caseId,
    workflowId: ref.workflowId,
    runId: ref.runId,
    procedureId: ref.procedureId,
    procedureVersion: ref.procedureVersion,
    exportedAt: new Date().toISOString(),
    ...(opts.decoded ? { decoded: true } : {}),
    history: History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String }),
  };
  if (file) await writeFile(file, JSON.stringify(out, null, 2));
  return out;
}

export interface ReplayCodeOptions {
  /** The payload codec of the histories (encrypted payloads); committed or old unencrypted ones pass through. */
  dataConverter?: DataConverter;
  /** A prebuilt workflow bundle; else `workflowsPath` (default: the current code) is bundled. */
  workflowBundle?: { code: string };
  workflowsPath?: string;
}

export interface ReplayFailure {
  caseId: string;
  workflowId: string;
  runId: string;
  error: string;
  /** True for a nondeterminism error (the code change is incompatible with the history). */
  nondeterminism: boolean;
}

export interface ReplayReport {
  replayed: number;
  failures: ReplayFailure[];
}

async function bundleOf(opts: ReplayCodeOptions): Promise<{ code: string }> {
  if (opts.workflowBundle) return opts.workflowBundle;
  return bundleWorkflowCode({ ...engineBundleOptions(opts.workflowsPath), logger: new DefaultLogger('WARN') });
}

async function replayAll(histories: HistoryAndWorkflowId[], opts: ReplayCodeOptions): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, failures: [] };
  if (histories.length === 0) return report;
  const workflowBundle = await bundleOf(opts);
  for await (const r of EngineWorker.runReplayHistories({ workflowBundle, dataConverter: opts.dataConverter, sinks: REPLAY_READ_MODEL_SINKS }, histories)) {
    report.replayed++;
    if (r.error) {
      report.failures.push({
        caseId: r.workflowId.replace(/^case-/, ''),
        workflowId: r.workflowId,
        runId: r.runId,
        error: r.error.message,
        nondeterminism: r.error.name === 'DeterminismViolationError' || /nondetermin/i.test(r.error.message),
      });
    }
  }
  return report;
}

/** Replays the given cases (or every case matching the filter; open ones by default) against the code. */
export async function replayCases(deps: OpsDeps, select: CaseFilter, opts: ReplayCodeOptions = {}): Promise<ReplayReport> {
  const refs = await listCases(deps, select);
  const histories: HistoryAndWorkflowId[] = [];
  for (const ref of refs) {
    histories.push({ workflowId: ref.workflowId, history: await deps.client.workflow.getHandle(ref.workflowId, ref.runId).fetchHistory() });
  }
  return replayAll(histories, { dataConverter: { payloadCodecs: deps.client.options.loadedDataConverter.payloadCodecs }, ...opts });
}

/** Replays an exported history file (ops export) against the code. */
export async function replayFile(file: string, opts: ReplayCodeOptions = {}): Promise<ReplayReport> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<ExportedHistory> & { events?: unknown };
  const raw = parsed.history ?? parsed;
  return replayAll([{ workflowId: parsed.workflowId ?? 'case-from-file', history: historyFromExport(raw) }], opts);
}
