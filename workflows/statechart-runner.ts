/**
 * The one generic workflow: runs any catalog procedure's statechart inside the Temporal sandbox. The pieces:
 * chart-services.ts (services → activities, delays → working days on durable timers), case-handlers.ts (events as
 * updates/signals, the snapshot query), application-data.ts (the applicant-data phase), case-timeline.ts and
 * case-view.ts (pure bookkeeping), projection.ts (the read model).
 */
import { allHandlersFinished, ApplicationFailure, condition } from '@temporalio/workflow';
import { createActor, type StateValue } from 'xstate';
import { getProcedure } from '../procedures/catalog';
import { awaitApplicantData } from './application-data';
import { registerCaseHandlers } from './case-handlers';
import { recordSnapshot } from './case-timeline';
import { caseReceipt, caseResult, caseView, emptyCaseRecord } from './case-view';
import { bindCaseServices } from './chart-services';
import { runnableChart } from './runnable-charts';
import { applicationOf, chartInputWith } from './data-merge';
import type { CaseResult, RunProcedureInput } from './definitions';
import { createCaseProjector } from './projection';
import { createDelayTracker, createRollover } from './continue-as-new';
import { createWorkflowClock } from './xstate-clock';

function nowIso(): string {
  return new Date().toISOString(); // workflow time: deterministic in the sandbox
}

export async function runProcedure(args: RunProcedureInput): Promise<CaseResult> {
  const def = getProcedure(args.procedureId, args.procedureVersion);
  const resume = args.resume;
  const rec = resume?.record ?? emptyCaseRecord(args.caseId, args.receivedAt, args.input, [...(args.missingFields ?? [])]);
  const overrides = args.options?.delayOverridesMs;
  const machine = runnableChart(def, overrides);
  let actor: ReturnType<typeof createActor<typeof machine>> | null = null;
  let chartError: unknown = null;
  const view = () => caseView(def, rec, actor?.getSnapshot() ?? null, Boolean(chartError));

  const application = applicationOf(args.input);
  const applicantId = (application.applicant as { personalId?: string } | undefined)?.personalId;
  // After `view`, before any command: a patch marker (new cases) decides whether this run projects.
  const projector = createCaseProjector({ applicantId: applicantId ?? null, channel: args.channel ?? null, provenance: args.provenance ?? [], view, firstSeq: resume?.projectionSeq });
  registerCaseHandlers({
    def,
    rec,
    chart: () => actor?.getSnapshot() ?? null,
    send: (event) => actor!.send(event),
    view,
    receipt: () => caseReceipt(def, rec, actor?.getSnapshot() ?? null, Boolean(chartError)),
    changed: projector.changed,
    now: nowIso,
  });

  let given: Record<string, unknown> | null = null;
  if (!resume && rec.missingFields.length > 0) {
    given = await awaitApplicantData({ def, rec, application, applicantId, overrides, changed: projector.changed, now: nowIso });
    if (given === null) {
      await projector.settle();
      return caseResult(def, rec, null, view());
    }
  }

  // Not the sandbox's global setTimeout/clearTimeout: they are shared by the workflows of a reusable V8 context.
  const clock = createWorkflowClock();
  const delays = createDelayTracker(() => Date.now());
  const start = resume ? { snapshot: resume.chart as never } : { input: chartInputWith(args.input, args.caseId, given) };
  const running = (actor = createActor(machine, { ...start, clock, inspect: delays.inspect }));
  bindCaseServices(running.system, { caseId: args.caseId, decidedBy: () => rec.lastActor, held: args.held });
  const record = (snap: { value: StateValue; status: string }) => {
    recordSnapshot(rec.timeline, snap, nowIso());
    projector.changed();
  };
  running.subscribe({ next: record, error: (err) => (chartError = err) });
  running.start();
  if (resume) delays.restore(resume.pendingDelays, clock, (event) => running.send(event as never));
  record(running.getSnapshot());

  const rollover = createRollover(args, () => running.getSnapshot());
  const finished = () => chartError !== null || running.getSnapshot().status !== 'active';
  for (;;) {
    await condition(() => finished() || rollover.due());
    if (finished()) break;
    if (!rollover.allowed()) continue;
    await condition(allHandlersFinished);
    await projector.settle();
    if (!finished() && rollover.due()) {
      await rollover.roll({ record: rec, chart: running.getPersistedSnapshot(), pendingDelays: delays.pending(), projectionSeq: projector.seq() });
    }
  }
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
  return caseResult(def, rec, snap, view());
}
