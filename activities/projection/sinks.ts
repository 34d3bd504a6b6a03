/**
 * The case workflow's projection sink (workflows/projection.ts, `case-projection-v2`), worker side. The SDK calls it
 * after the workflow's activation and awaits it before completing the workflow task, so a transition is written to
 * the read model before the history commits it: a crash before the write leaves the task to be retried, and the retry
 * (not a replay) projects the same transition again, which the writer applies once. Replays do not call it.
 * A failed write is retried until written (a database outage delays the projection, never loses it): the SDK only logs
 * a sink's error and goes on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Runtime, type InjectedSinks } from '@temporalio/worker';
import type { CaseProjectionDocument, ReadModelSinks } from '../../workflows/projection';
import { writeCaseProjection, type ReadModelActivityDeps } from './index';

export interface ReadModelSinkDeps extends ReadModelActivityDeps {
  /** Told of each failed attempt (default: the worker runtime's logger). */
  onWriteFailed?: (doc: CaseProjectionDocument, attempt: number, error: unknown) => void;
}

/** Backoff between attempts (ms): the first, doubled up to the last (the local activity's policy before). */
const RETRY = { initialMs: 200, maxMs: 30_000 };

/** Writes the document, retried with backoff until written. */
export async function writeUntilWritten(deps: ReadModelSinkDeps, doc: CaseProjectionDocument): Promise<void> {
  for (let attempt = 1, wait = RETRY.initialMs; ; attempt++, wait = Math.min(wait * 2, RETRY.maxMs)) {
    try {
      await writeCaseProjection(deps, doc);
      return;
    } catch (error) {
      if (deps.onWriteFailed) deps.onWriteFailed(doc, attempt, error);
      else Runtime.instance().logger.warn('Case projection not written; retrying', { caseId: doc.snapshot.caseId, seq: doc.seq, attempt, error });
      await sleep(wait);
    }
  }
}

/** The engine worker's sinks: `readModel.projectCase`, never called on replay. */
export function createReadModelSinks(deps: ReadModelSinkDeps): InjectedSinks<ReadModelSinks> {
  return { readModel: { projectCase: { fn: (_info, doc) => writeUntilWritten(deps, doc), callDuringReplay: false } } };
}

/** For workers that only replay histories (ops replay, designer replay): the sink is known and never called. */
export const REPLAY_READ_MODEL_SINKS: InjectedSinks<ReadModelSinks> = {
  readModel: { projectCase: { fn: () => undefined, callDuringReplay: false } },
};
