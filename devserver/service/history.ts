/** GetWorkflowExecutionHistory: paging, long-poll for new events, close-event filter. */
import { InvalidArgumentError, notFound, type WorkflowServiceHandlers } from '../errors';
import { enums } from '../proto';
import { EncodedHistory } from '../encoded-history';
import * as store from '../storage/store';
import type { Engine } from '../engine/engine';
import { runKey } from '../matching';

 
const RUNNING = enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

interface PageToken {
  run: string;
  next: number;
}

function decodePageToken(b: Uint8Array | null | undefined): PageToken | null {
  if (!b || b.length === 0) return null;
  try {
    return JSON.parse(Buffer.from(b).toString('utf8')) as PageToken;
  } catch {
    throw new InvalidArgumentError('Invalid NextPageToken.');
  }
}
const encodePageToken = (t: PageToken) => Buffer.from(JSON.stringify(t), 'utf8');

export function historyHandlers(engine: Engine): WorkflowServiceHandlers {
  return {
    async GetWorkflowExecutionHistory(req, signal) {
      const ns = await engine.namespace(req.namespace);
      const exec = req.execution;
      if (!exec?.workflowId) throw new InvalidArgumentError('WorkflowId is not set on request.');
      const token = decodePageToken(req.nextPageToken);
      const runId = token?.run ?? (await engine.resolveRunId(ns.id, exec.workflowId, exec.runId));
      if (!runId) throw notFound(`workflow not found for ID: ${exec.workflowId}`);
      const pageSize = (req.maximumPageSize ?? 0) > 0 ? req.maximumPageSize! : 1000;
      const closeOnly = req.historyEventFilterType === enums.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
      const deadline = Date.now() + engine.longPollTimeoutMs;
      const from = token?.next ?? 1;
      for (;;) {
        const v = engine.signals.version(runKey(runId));
        const s = await engine.readRun(runId);
        if (!s || s.workflowId !== exec.workflowId || s.namespaceId !== ns.id) throw notFound(`workflow not found for ID: ${exec.workflowId}`);
        const running = s.status === RUNNING;
        if (closeOnly) {
          if (!running) {
            const events = await engine.readEncodedEvents(engine.db, runId, s.completionEventId, s.completionEventId + 1);
            return { history: new EncodedHistory(events), nextPageToken: null, archived: false };
          }
          if (!req.waitNewEvent) return { history: { events: [] }, nextPageToken: null, archived: false };
        } else {
          const end = s.nextEventId;
          if (from < end || !req.waitNewEvent || !running) {
            const events = await engine.readEncodedEvents(engine.db, runId, from, Math.min(end, from + pageSize));
            const next = from + events.length;
            const more = next < end || (req.waitNewEvent && running);
            return {
              history: new EncodedHistory(events),
              nextPageToken: more ? encodePageToken({ run: runId, next }) : null,
              archived: false,
            };
          }
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0 || signal.aborted) {
          return { history: { events: [] }, nextPageToken: closeOnly ? null : encodePageToken({ run: runId, next: from }), archived: false };
        }
        await engine.signals.wait(runKey(runId), v, remaining, signal);
      }
    },

    async GetWorkflowExecutionHistoryReverse(req) {
      const ns = await engine.namespace(req.namespace);
      const exec = req.execution;
      const runId = await engine.resolveRunId(ns.id, exec?.workflowId ?? '', exec?.runId);
      const s = runId ? await engine.readRun(runId) : null;
      if (!s) throw notFound('workflow not found');
      const token = decodePageToken(req.nextPageToken);
      const end = token?.next ?? s.nextEventId;
      const pageSize = (req.maximumPageSize ?? 0) > 0 ? req.maximumPageSize! : 1000;
      const fromId = Math.max(1, end - pageSize);
      const rows = await store.readEvents(engine.db, s.runId, fromId, end);
      return {
        history: new EncodedHistory(rows.reverse()),
        nextPageToken: fromId > 1 ? encodePageToken({ run: s.runId, next: fromId }) : null,
      };
    },
  };
}
