/**
 * The case's message handlers: officer/citizen events as a validated update (refused with EVENT_NOT_ACCEPTED,
 * leaving no trace) or a signal (a refused signal is recorded in `rejectedEvents`), and the snapshot query.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { AnyMachineSnapshot } from 'xstate';
import type { ProcedureDefinition, ProcedureEvent } from '../procedures/types';
import type { CaseRecord } from './case-view';
import {
  CASE_CLOSED,
  EVENT_NOT_ACCEPTED,
  MESSAGE_TOO_LARGE,
  eventSignal,
  sendEventUpdate,
  snapshotQuery,
  type CaseSnapshot,
  type SendEventReceipt,
  type SendEventRequest,
} from './definitions';
import { eventRefusalReason, oversizeRefusal, recordAcceptedEvent } from './event-validation';

export interface CaseHandlerDeps {
  def: ProcedureDefinition;
  rec: CaseRecord;
  /** The chart's snapshot, or null before the chart starts. */
  chart: () => AnyMachineSnapshot | null;
  send: (event: ProcedureEvent) => void;
  view: () => CaseSnapshot;
  /** Where the case stands: the answer to an accepted event. */
  receipt: () => SendEventReceipt;
  changed: () => void;
  now: () => string;
}

export function registerCaseHandlers(d: CaseHandlerDeps): void {
  const accept = (request: SendEventRequest) => {
    d.send(recordAcceptedEvent(d.def, d.rec, request, d.now()));
    d.changed();
  };
  const refusal = (request: SendEventRequest): string | null => {
    const snap = d.chart();
    return snap === null
      ? 'the case is waiting for the applicant\'s data; the procedure has not started'
      : eventRefusalReason(d.def, snap, request);
  };
  const fail = (type: string, message: string, details?: unknown[]) =>
    ApplicationFailure.create({ type, message, nonRetryable: true, ...(details ? { details } : {}) });

  setHandler(
    sendEventUpdate,
    (request) => {
      accept(request);
      return d.receipt();
    },
    {
      validator: (request) => {
        const oversize = oversizeRefusal(request);
        if (oversize !== null) throw fail(MESSAGE_TOO_LARGE, oversize);
        const snap = d.chart();
        if (snap !== null && snap.status !== 'active') throw fail(CASE_CLOSED, 'the case is closed: it accepts no event');
        const reason = refusal(request);
        if (reason !== null) throw fail(EVENT_NOT_ACCEPTED, reason, [{ eventType: request?.event?.type ?? null, state: d.view().state }]);
      },
    },
  );
  setHandler(eventSignal, (request) => {
    // An oversized signal is already in the history; at least it is not copied into the snapshot.
    const oversize = oversizeRefusal(request);
    if (oversize !== null) {
      const type = typeof request?.event?.type === 'string' ? request.event.type.slice(0, 100) : null;
      d.rec.rejectedEvents.push({ event: { type }, reason: oversize, at: d.now() });
      return;
    }
    const reason = refusal(request);
    if (reason !== null) {
      d.rec.rejectedEvents.push({ event: request?.event ?? null, reason, at: d.now() });
      d.changed();
    } else accept(request);
  });
  setHandler(snapshotQuery, d.view);
}
