/**
 * Projection of a case into the read model (docs/read-model.md), sandbox side: after each transition of the case
 * (a change of its snapshot), one local activity `projectCase` carries the numbered snapshot to the database.
 * Transitions of one workflow activation are coalesced (a microtask), numbered 1, 2, … in order; the writer applies
 * a number only once and never goes back to an older one. The activity returns its document so the history's
 * marker holds it: `npm run ops -- reproject` rebuilds the read model from histories alone.
 */
import { patched, proxyLocalActivities } from '@temporalio/workflow';
import type { CaseSnapshot, FieldProvenance } from './definitions';

/** Cases started before the read model replay without projections (committed histories stay compatible). */
export const PROJECTION_PATCH = 'case-projection-v1';
export const PROJECT_CASE_ACTIVITY = 'projectCase';

export interface CaseProjectionDocument {
  /** Transition number: 1, 2, … per case. */
  seq: number;
  applicantId: string | null;
  channel: string | null;
  provenance: FieldProvenance[];
  snapshot: CaseSnapshot;
}

export interface ProjectionActivities {
  projectCase(doc: CaseProjectionDocument): Promise<CaseProjectionDocument>;
}

export interface CaseProjector {
  /** A transition happened: project the snapshot at the end of this activation (once, if it changed). */
  changed(): void;
  /** Projects any pending change and waits until every projection is written (before the workflow returns). */
  settle(): Promise<void>;
  /** The last transition number projected (carried across continue-as-new). */
  seq(): number;
}

export function createCaseProjector(
  opts: Omit<CaseProjectionDocument, 'seq' | 'snapshot'> & { view: () => CaseSnapshot; firstSeq?: number },
): CaseProjector {
  const enabled = patched(PROJECTION_PATCH);
  const activities = proxyLocalActivities<ProjectionActivities>({
    startToCloseTimeout: '30 seconds',
    // A database outage delays the projection, never loses it: retried until written.
    retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });
  let seq = opts.firstSeq ?? 0;
  let last = '';
  let queued = false;
  const pending: Promise<unknown>[] = [];

  const flush = () => {
    queued = false;
    const snapshot = opts.view();
    const json = JSON.stringify(snapshot);
    if (json === last) return;
    last = json;
    seq += 1;
    pending.push(activities.projectCase({ seq, applicantId: opts.applicantId, channel: opts.channel, provenance: opts.provenance, snapshot }));
  };

  return {
    changed() {
      if (!enabled || queued) return;
      queued = true;
      void Promise.resolve().then(flush);
    },
    async settle() {
      if (!enabled) return;
      flush();
      for (let done = 0; done < pending.length; ) {
        const batch = pending.slice(done);
        await Promise.all(batch);
        done += batch.length;
      }
    },
    seq: () => seq,
  };
}
