/**
 * The one generic workflow: runs any catalog procedure's statechart inside the Temporal sandbox.
 * - `invoke` of a named service → an activity on the owning agency's task queue;
 * - `after` delays → durable timers (a per-workflow clock on `sleep`, see xstate-clock.ts), counted in working days
 *   on the holiday calendar;
 * - officer/citizen events → updates (refused with EVENT_NOT_ACCEPTED, leaving no trace) or signals (a refused
 *   signal is recorded in `rejectedEvents`);
 * - the snapshot (state, context, timeline, deadlines, accepted events) → a query.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancelledFailure,
  condition,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { createActor, fromPromise, type AnyMachineSnapshot, type StateValue } from 'xstate';
import type { AgencyId } from '../activities/registries/types';
import { getProcedure } from '../procedures/catalog';
import type { ProcedureEvent, ServiceFailure, ServiceRequest } from '../procedures/types';
import { WORKING_CALENDAR } from './calendar';
import { computeSteps, workingDaysDelayMs } from './deadlines';
import {
  EVENT_NOT_ACCEPTED,
  MESSAGE_TOO_LARGE,
  CASE_CLOSED,
  eventSignal,
  sendEventUpdate,
  snapshotQuery,
  type AcceptedEventInfo,
  type CaseResult,
  type CaseSnapshot,
  type HistoryEntry,
  type RejectedEvent,
  type RunProcedureInput,
  type SendEventRequest,
  type TimelineEntry,
} from './definitions';
import { collectMissingData } from './application-data';
import { eventRefusalReason, oversizeRefusal } from './event-validation';
import { agencyTaskQueue } from './task-queues';
import { createWorkflowClock } from './xstate-clock';
import { createCaseProjector } from './projection';

type ServiceFn = (request: ServiceRequest) => Promise<unknown>;

/** Window for missing applicant data when the procedure declares no `supplementWindow` delay (Decree 63/2024). */
const DEFAULT_DATA_WINDOW_WORKING_DAYS = 7;

function nowIso(): string {
  return new Date().toISOString(); // workflow time: deterministic in the sandbox
}

function leafPaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  const entries = Object.entries(value);
  if (entries.length === 0) return prefix ? [prefix] : [];
  return entries.flatMap(([k, v]) => leafPaths(v as StateValue, prefix ? `${prefix}.${k}` : k));
}

function valueAt(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), obj);
}

function toServiceFailure(err: unknown): ServiceFailure {
  if (err instanceof CancelledFailure) throw err;
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
    return { code: err.cause.type ?? 'SERVICE_FAILED', message: err.cause.message };
  }
  return { code: 'SERVICE_FAILED', message: err instanceof Error ? err.message : String(err) };
}

export async function runProcedure(args: RunProcedureInput): Promise<CaseResult> {
  const def = getProcedure(args.procedureId, args.procedureVersion);
  const timeline: TimelineEntry[] = [];
  const rejectedEvents: RejectedEvent[] = [];
  const history: HistoryEntry[] = [];
  let dossierCompleteAt: string | null = null;
  let doneAt: string | null = null;
  let lastActor = 'system';
  let chartError: unknown = null;

  const proxies = new Map<AgencyId, Record<string, ServiceFn>>();
  for (const agency of def.agencies) {
    proxies.set(
      agency,
      proxyActivities<Record<string, ServiceFn>>({
        taskQueue: agencyTaskQueue(agency),
        startToCloseTimeout: '1 minute',
        // Registry outages are retried for up to 30 days; then the chart takes its error path (an officer looks).
        scheduleToCloseTimeout: '30 days',
        retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
      }),
    );
  }

  const actors = Object.fromEntries(
    def.services.map((s) => [
      s.name,
      fromPromise<unknown, unknown>(async ({ input }) => {
        const call = proxies.get(s.agency)![s.name];
        const request: ServiceRequest = {
          access: {
            procedureId: def.id,
            procedureVersion: def.version,
            caseId: args.caseId,
            purpose: s.purpose,
            legalBasis: s.legalBasis,
            // The agency's system step writes; the person whose event led here is named apart.
            actor: `system:${s.agency}.${s.name}`,
            ...(lastActor !== 'system' ? { decidedBy: lastActor } : {}),
          },
          input,
        };
        try {
          return await call(request);
        } catch (err) {
          throw toServiceFailure(err);
        }
      }),
    ]),
  );
  const delays = Object.fromEntries(
    def.delays.map((d) => [
      d.name,
      () => args.options?.delayOverridesMs?.[d.name] ?? workingDaysDelayMs(new Date(), d.workingDays, WORKING_CALENDAR),
    ]),
  );

  const machine = def.machine.provide({ actors, delays } as never);
  type ChartActor = ReturnType<typeof createActor<typeof machine>>;
  let actor: ChartActor | null = null;

  // Applicant-data phase: the API resolved everything the state holds; what only the citizen can give and is still
  // missing is awaited (validated update) before the chart starts, within the supplement window.
  const machineInput: Record<string, unknown> = { ...args.input, caseId: args.caseId };
  let missingFields: string[] = [...(args.missingFields ?? [])];

  let active: string[] = [];
  const record = (snap: AnyMachineSnapshot) => {
    const at = nowIso();
    const next = snap.status === 'done' ? [] : leafPaths(snap.value);
    for (const left of active.filter((s) => !next.includes(s))) {
      const entry = [...timeline].reverse().find((t) => t.state === left && t.leftAt === null);
      if (entry) entry.leftAt = at;
    }
    for (const entered of next.filter((s) => !active.includes(s))) timeline.push({ state: entered, enteredAt: at, leftAt: null });
    if (snap.status === 'done' && doneAt === null) {
      doneAt = at;
      timeline.push({ state: String(snap.value), enteredAt: at, leftAt: null });
    }
    active = next;
    projector.changed();
  };

  const steps = (verificationNeeded: boolean) =>
    computeSteps({
      deadlines: def.deadlines,
      timeline,
      receivedAt: args.receivedAt,
      dossierCompleteAt,
      doneAt,
      verificationNeeded,
      calendar: WORKING_CALENDAR,
    });

  const view = (): CaseSnapshot => {
    const base = {
      caseId: args.caseId,
      procedureId: def.id,
      procedureVersion: def.version,
      receivedAt: args.receivedAt,
      missingFields: [...missingFields],
      timeline: timeline.map((t) => ({ ...t })),
      rejectedEvents: rejectedEvents.map((r) => ({ ...r })),
      history: history.map((h) => ({ ...h })),
    };
    if (actor === null) {
      const lapsed = doneAt !== null;
      return {
        ...base,
        status: lapsed ? 'closed' : 'awaiting_data',
        state: lapsed ? 'rejected' : 'awaitingData',
        activeStates: lapsed ? [] : ['awaitingData'],
        outcome: lapsed ? 'rejected' : null,
        context: { input: args.input },
        steps: steps(false),
        acceptedEvents: [],
      };
    }
    const snap = actor.getSnapshot();
    const types = new Set<string>();
    if (snap.status === 'active') for (const node of snap._nodes) for (const t of node.ownEvents) types.add(t);
    const acceptedEvents: AcceptedEventInfo[] = def.events
      .filter((e) => types.has(e.type))
      .map((e) => {
        const actorId = e.actorIdFrom ? valueAt(snap.context, e.actorIdFrom) : undefined;
        return {
          type: e.type,
          actor: e.actor,
          ...(e.agency ? { agency: e.agency } : {}),
          ...(typeof actorId === 'string' ? { actorId } : {}),
          description: e.description,
        };
      });
    const context = snap.context as { verificationNeeded?: boolean };
    const finalState = snap.status === 'done' ? String(snap.value) : null;
    return {
      ...base,
      status: chartError ? 'failed' : snap.status === 'done' ? 'closed' : snap.status === 'error' ? 'failed' : 'in_progress',
      state: snap.value,
      activeStates: [...active],
      outcome: finalState === null ? null : (def.outcomes[finalState] ?? finalState),
      context: snap.context,
      steps: steps(context?.verificationNeeded === true),
      acceptedEvents,
    };
  };

  const application = (args.input.application ?? args.input) as Record<string, unknown>;
  const applicantId = (application.applicant as { personalId?: string } | undefined)?.personalId;
  // After `view`, before any command: a patch marker (new cases) decides whether this run projects.
  const projector = createCaseProjector({ applicantId: applicantId ?? null, channel: args.channel ?? null, provenance: args.provenance ?? [], view });

  const accept = (request: SendEventRequest) => {
    const at = nowIso();
    const event: ProcedureEvent = { ...request.event, at };
    const decl = def.events.find((e) => e.type === event.type);
    const who = `${event.actor.kind}:${event.actor.id}`;
    lastActor = event.actor.agency ? `${who}@${event.actor.agency}` : who;
    history.push({ type: event.type, actor: who, at });
    if (decl?.completesDossier) dossierCompleteAt = at;
    actor!.send(event);
    projector.changed();
  };
  const refusal = (request: SendEventRequest): string | null =>
    actor === null
      ? 'the case is waiting for the applicant\'s data; the procedure has not started'
      : eventRefusalReason(def, actor.getSnapshot(), request);

  setHandler(
    sendEventUpdate,
    (request) => {
      accept(request);
      return view();
    },
    {
      validator: (request) => {
        const oversize = oversizeRefusal(request);
        if (oversize !== null) throw ApplicationFailure.create({ type: MESSAGE_TOO_LARGE, message: oversize, nonRetryable: true });
        if (actor !== null && actor.getSnapshot().status !== 'active') {
          throw ApplicationFailure.create({ type: CASE_CLOSED, message: 'the case is closed: it accepts no event', nonRetryable: true });
        }
        const reason = refusal(request);
        if (reason !== null) {
          throw ApplicationFailure.create({
            type: EVENT_NOT_ACCEPTED,
            message: reason,
            nonRetryable: true,
            details: [{ eventType: request?.event?.type ?? null, state: view().state }],
          });
        }
      },
    },
  );
  setHandler(eventSignal, (request) => {
    // An oversized signal is already in the history; at least it is not copied into the snapshot.
    const oversize = oversizeRefusal(request);
    if (oversize !== null) {
      rejectedEvents.push({ event: { type: typeof request?.event?.type === 'string' ? request.event.type.slice(0, 100) : null }, reason: oversize, at: nowIso() });
      return;
    }
    const reason = refusal(request);
    if (reason !== null) {
      rejectedEvents.push({ event: request?.event ?? null, reason, at: nowIso() });
      projector.changed();
    } else accept(request);
  });
  setHandler(snapshotQuery, view);

  if (missingFields.length > 0) {
    timeline.push({ state: 'awaitingData', enteredAt: nowIso(), leftAt: null });
    projector.changed();
    const windowMs =
      args.options?.delayOverridesMs?.supplementWindow ??
      workingDaysDelayMs(
        new Date(),
        def.delays.find((d) => d.name === 'supplementWindow')?.workingDays ?? DEFAULT_DATA_WINDOW_WORKING_DAYS,
        WORKING_CALENDAR,
      );
    const collected = await collectMissingData({
      def,
      application,
      missing: missingFields,
      applicantId,
      windowMs,
      onChange: (m) => {
        missingFields = m;
        projector.changed();
      },
    });
    missingFields = collected.remaining;
    timeline[timeline.length - 1].leftAt = nowIso();
    if (missingFields.length > 0) {
      doneAt = nowIso();
      await projector.settle();
      return {
        caseId: args.caseId,
        procedureId: def.id,
        procedureVersion: def.version,
        outcome: 'rejected',
        finalState: 'awaitingData',
        results: { missingFields, reason: 'the application was not completed within 7 working days' },
        steps: steps(false),
        completedAt: doneAt,
      };
    }
    dossierCompleteAt = nowIso();
    if (args.input.application) machineInput.application = collected.application;
    else Object.assign(machineInput, collected.application);
  }

  // Not the sandbox's global setTimeout/clearTimeout: they are shared by the workflows of a reusable V8 context.
  actor = createActor(machine, { input: machineInput, clock: createWorkflowClock() });
  actor.subscribe({ next: record, error: (err) => (chartError = err) });
  actor.start();
  record(actor.getSnapshot());
  const running = actor;

  await condition(() => chartError !== null || running.getSnapshot().status !== 'active');
  await condition(allHandlersFinished);
  await projector.settle();
  const snap = running.getSnapshot();
  if (chartError !== null || snap.status !== 'done') {
    throw ApplicationFailure.create({
      type: 'CHART_ERROR',
      message: `The chart of ${def.id} v${def.version} failed: ${String((chartError as Error)?.message ?? snap.error)}`,
      nonRetryable: true,
    });
  }
  const finalView = view();
  return {
    caseId: args.caseId,
    procedureId: def.id,
    procedureVersion: def.version,
    outcome: finalView.outcome!,
    finalState: String(snap.value),
    results: def.results ? def.results(snap.context) : (snap.context as Record<string, unknown>),
    steps: finalView.steps,
    completedAt: doneAt ?? nowIso(),
  };
}
