/**
 * Projection of a case into the read model (docs/read-model.md), sandbox side: after each transition of the case
 * (a change of its snapshot) the numbered snapshot goes to the database. Transitions of one workflow activation are
 * coalesced (a microtask), numbered 1, 2, … in order; the writer applies a number only once and never goes back to an
 * older one, and the same number again (a retried workflow task) replaces it.
 *
 * Two ways, chosen once per run by a patch marker:
 * - `case-projection-v2` (new cases): a **sink** call. The worker writes the document after the activation and before
 *   it completes the workflow task, so a transition is in the read model before it is in the history; nothing is
 *   added to the history, and no activation is spent on a local activity's result. Replays make no call.
 *   `npm run ops -- reproject` rebuilds the document with the projection query (the history replayed by the code).
 * - `case-projection-v1` (cases started before v2): the local activity `projectCase`, whose marker holds the
 *   document. Kept as it was so that these histories replay.
 */
import { defineQuery, patched, proxyLocalActivities, proxySinks, setHandler, workflowInfo, type Sinks } from '@temporalio/workflow';
import type { CaseSnapshot, FieldProvenance } from './definitions';

/** Cases started before the read model replay without projections (committed histories stay compatible). */
export const PROJECTION_PATCH = 'case-projection-v1';
/** Cases started since: the projection is a sink call, not a local activity. */
export const PROJECTION_SINK_PATCH = 'case-projection-v2';
export const PROJECT_CASE_ACTIVITY = 'projectCase';

export interface CaseProjectionDocument {
  /** Transition number: 1, 2, … per case (0: the case never projected). */
  seq: number;
  applicantId: string | null;
  channel: string | null;
  provenance: FieldProvenance[];
  snapshot: CaseSnapshot;
}

/** The case's last projected document, as its history gives it (replayed by the code when not cached). */
export const projectionQuery = defineQuery<CaseProjectionDocument>('projection');

export interface ProjectionActivities {
  projectCase(doc: CaseProjectionDocument): Promise<CaseProjectionDocument>;
}

/** The engine worker's sink (activities/projection/sinks.ts): writes the document, retried until written. */
export interface ReadModelSinks extends Sinks {
  readModel: { projectCase(doc: CaseProjectionDocument): void };
}

export interface CaseProjector {
  /** A transition happened: project the snapshot at the end of this activation (once, if it changed). */
  changed(): void;
  /** Projects any pending change and waits until every projection is written (before the workflow returns). */
  settle(): Promise<void>;
  /** The last transition number projected (carried across continue-as-new). */
  seq(): number;
  /** The last document projected (the projection query; `ops reproject`): seq 0 and the current snapshot if none. */
  last(): CaseProjectionDocument;
}

type ProjectorOptions = Omit<CaseProjectionDocument, 'seq' | 'snapshot'> & { view: () => CaseSnapshot; firstSeq?: number };

export function createCaseProjector(opts: ProjectorOptions): CaseProjector {
  // Evaluated once, at the start of the run: a run keeps the way its history was written with.
  const mode = patched(PROJECTION_SINK_PATCH) ? 'sink' : patched(PROJECTION_PATCH) ? 'local-activity' : 'none';
  const write = mode === 'sink' ? sinkWriter() : mode === 'local-activity' ? localActivityWriter() : null;
  let lastDoc: CaseProjectionDocument | null = null;
  const seq = () => lastDoc?.seq ?? opts.firstSeq ?? 0;
  let last = '';
  let queued = false;
  const pending: Promise<unknown>[] = [];
  // One resolved promise for the whole run: each coalescing `then` then makes one promise, not two (every promise
  // made in the sandbox costs a captured stack, the SDK's promise hook).
  const resolved = Promise.resolve();

  const flush = () => {
    queued = false;
    const snapshot = opts.view();
    const json = JSON.stringify(snapshot);
    if (json === last) return;
    last = json;
    lastDoc = { seq: seq() + 1, applicantId: opts.applicantId, channel: opts.channel, provenance: opts.provenance, snapshot };
    const written = write!(lastDoc);
    if (written) pending.push(written);
  };

  const projector: CaseProjector = {
    changed() {
      if (!write || queued) return;
      queued = true;
      void resolved.then(flush);
    },
    async settle() {
      if (!write) return;
      flush();
      for (let done = 0; done < pending.length; ) {
        const batch = pending.slice(done);
        await Promise.all(batch);
        done += batch.length;
      }
    },
    seq,
    last: () => lastDoc ?? { seq: seq(), applicantId: opts.applicantId, channel: opts.channel, provenance: opts.provenance, snapshot: opts.view() },
  };
  setHandler(projectionQuery, projector.last);
  return projector;
}

/** v2: the sink call; the worker writes it before the activation completes, so nothing is awaited here. */
function sinkWriter(): (doc: CaseProjectionDocument) => undefined {
  const { readModel } = proxySinks<ReadModelSinks>();
  return (doc) => {
    // A replayed transition was written when it happened, and the worker drops a replayed call to this sink
    // (callDuringReplay false): not making it spares the copy the sink proxy clones and posts to the worker's main
    // thread for each replayed task of a case out of the worker's cache.
    if (!workflowInfo().unsafe.isReplayingHistoryEvents) readModel.projectCase(doc);
    return undefined;
  };
}

/** v1: one local activity per projection, retried until written (a database outage delays it, never loses it). */
function localActivityWriter(): (doc: CaseProjectionDocument) => Promise<CaseProjectionDocument> {
  const activities = proxyLocalActivities<ProjectionActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });
  return (doc) => activities.projectCase(doc);
}
