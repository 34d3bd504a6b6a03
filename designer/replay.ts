/**
 * Replay check: runs recorded case histories (committed fixtures, and optionally live histories from a server)
 * against the current workflow code with `EngineWorker.runReplayHistories`, before deploying it. A nondeterminism error
 * means running cases would break on the new code: keep the old behaviour behind a new procedure version.
 */
import type { DataConverter } from '@temporalio/common';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
// Default export: the package is CommonJS, named imports fail under plain Node ESM (tsx).
import protoRoot from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { WORKFLOWS_PATH } from '../worker/agency-worker';
import { EngineWorker } from '../worker/sandbox/engine-worker';
import { RUN_PROCEDURE_WORKFLOW } from '../workflows/definitions';
import { DesignerError } from './errors';
import { REPLAY_READ_MODEL_SINKS } from '../activities/projection/sinks';

type History = temporal.api.history.v1.IHistory;

export interface RecordedHistory {
  /** Fixture file name or "live:<workflowId>". */
  name: string;
  workflowId: string;
  history: History;
}

export interface ReplayOutcome {
  name: string;
  workflowId: string;
  status: 'ok' | 'nondeterministic' | 'failed';
  message?: string;
}

/**
 * On disk: the case's workflow id, what it ran, the event types (for reading), and the history as base64 protobuf
 * (`historyBase64`, exact) or as Temporal's JSON (`history`, e.g. exported by the Temporal CLI).
 */
interface HistoryFixtureFile {
  workflowId: string;
  procedureId?: string;
  procedureVersion?: number;
  description?: string;
  eventTypes?: string[];
  historyBase64?: string;
  history?: unknown;
}

const HistoryProto = (protoRoot as unknown as { temporal: typeof temporal }).temporal.api.history.v1.History;
const EventTypeEnum = (protoRoot as unknown as { temporal: typeof temporal }).temporal.api.enums.v1.EventType;

export function encodeHistory(history: History): string {
  return Buffer.from(HistoryProto.encode(history as temporal.api.history.v1.IHistory).finish()).toString('base64');
}

export function decodeHistory(base64: string): History {
  return HistoryProto.decode(Buffer.from(base64, 'base64'));
}

export class InvalidHistoryFixtureError extends DesignerError {
  constructor(file: string, why: string) {
    super('INVALID_HISTORY_FIXTURE', `${file}: ${why}`);
  }
}

/** The fixtures directly in `dir` (subdirectories are for deliberately broken histories used by tests). */
export function loadHistoryFixtures(dir: string): RecordedHistory[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => e.name)
    .sort()
    .map((file) => loadHistoryFixture(join(dir, file)));
}

export function loadHistoryFixture(path: string): RecordedHistory {
  let parsed: HistoryFixtureFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as HistoryFixtureFile;
  } catch (err) {
    throw new InvalidHistoryFixtureError(path, (err as Error).message);
  }
  if (typeof parsed.workflowId !== 'string' || (!parsed.historyBase64 && !parsed.history)) {
    throw new InvalidHistoryFixtureError(path, 'needs workflowId and historyBase64 (or history)');
  }
  const history = parsed.historyBase64 ? decodeHistory(parsed.historyBase64) : historyFromJSON(parsed.history);
  return { name: path.split('/').pop()!, workflowId: parsed.workflowId, history };
}

export function saveHistoryFixture(
  dir: string,
  file: string,
  meta: Omit<HistoryFixtureFile, 'history' | 'historyBase64' | 'eventTypes'>,
  history: History,
): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  const eventTypes = (history.events ?? []).map((e) => String(EventTypeEnum[e.eventType as number] ?? e.eventType).replace(/^EVENT_TYPE_/, ''));
  const body: HistoryFixtureFile = { ...meta, eventTypes, historyBase64: encodeHistory(history) };
  writeFileSync(path, `${JSON.stringify(body, null, 1)}\n`);
  return path;
}

/** Histories of the runner's cases on a live server (newest first, at most `limit`). */
export async function fetchLiveHistories(
  address: string,
  opts: { namespace?: string; limit?: number; credential?: { apiKey: string; tls: boolean } } = {},
): Promise<RecordedHistory[]> {
  // Live histories hold encrypted payloads: replayHistories decodes them with the data converter it is given.
  const connection = await Connection.connect({ address, ...opts.credential });
  try {
    const client = new Client({ connection, namespace: opts.namespace ?? 'default' });
    const out: RecordedHistory[] = [];
    for await (const wf of client.workflow.list({ query: `WorkflowType = '${RUN_PROCEDURE_WORKFLOW}'` })) {
      if (wf.type !== RUN_PROCEDURE_WORKFLOW) continue;
      const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      out.push({ name: `live:${wf.workflowId}`, workflowId: wf.workflowId, history });
      if (out.length >= (opts.limit ?? 500)) break;
    }
    return out;
  } finally {
    await connection.close();
  }
}

export function bundleCurrentWorkflows(): Promise<WorkflowBundle> {
  const silent = { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m), log() {} };
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silent });
}

/** Replays every history against the given (default: current) workflow code. */
export async function replayHistories(
  histories: readonly RecordedHistory[],
  opts: { workflowBundle?: WorkflowBundle; onProgress?: (o: ReplayOutcome) => void; /** The payload codec (encrypted histories). */ dataConverter?: DataConverter } = {},
): Promise<ReplayOutcome[]> {
  if (histories.length === 0) return [];
  const workflowBundle = opts.workflowBundle ?? (await bundleCurrentWorkflows());
  const byId = new Map(histories.map((h) => [h.workflowId, h]));
  if (byId.size !== histories.length) throw new DesignerError('DUPLICATE_WORKFLOW_ID', 'two histories share a workflow id: replay them separately');
  const outcomes: ReplayOutcome[] = [];
  const results = EngineWorker.runReplayHistories(
    { workflowBundle, dataConverter: opts.dataConverter, sinks: REPLAY_READ_MODEL_SINKS },
    histories.map((h) => ({ workflowId: h.workflowId, history: h.history })),
  );
  for await (const r of results) {
    const name = byId.get(r.workflowId)?.name ?? r.workflowId;
    const outcome: ReplayOutcome = !r.error
      ? { name, workflowId: r.workflowId, status: 'ok' }
      : {
          name,
          workflowId: r.workflowId,
          status: r.error instanceof DeterminismViolationError ? 'nondeterministic' : 'failed',
          message: r.error.message,
        };
    outcomes.push(outcome);
    opts.onProgress?.(outcome);
  }
  return outcomes;
}
