/**
 * Schedule requests applied to a record: create (validated schedule → record), update (replaces spec,
 * action, policies and state; times before the update are not acted on), patch (trigger immediately,
 * backfill, pause, unpause).
 */
import { InvalidArgumentError } from '../errors';
import { encodeB64, enums, Memo, msFromDur, SearchAttributes, type TemporalTypes } from '../proto';
import { SpecError } from './calendar';
import { addStart, compile, processTimeRange, ScheduleAction, type ScheduleRecord } from './model';
import { canonicalizeSpec, type CanonicalSpec } from './spec';
import { transition } from './transitions';

type ISchedule = TemporalTypes.api.schedule.v1.ISchedule;
type ISchedulePatch = TemporalTypes.api.schedule.v1.ISchedulePatch;
type ICreateScheduleRequest = TemporalTypes.api.workflowservice.v1.ICreateScheduleRequest;

/** Largest schedule id, as Temporal's default id length limit. */
const MAX_ID_LENGTH = 1000;

function validSpec(schedule: ISchedule): CanonicalSpec {
  try {
    return canonicalizeSpec(schedule.spec);
  } catch (e) {
    if (e instanceof SpecError) throw new InvalidArgumentError(`Invalid schedule spec: ${e.message}`);
    throw e;
  }
}

function validAction(schedule: ISchedule): string {
  const sw = schedule.action?.startWorkflow;
  if (!sw) throw new InvalidArgumentError('Schedule action is not set: a schedule needs action.startWorkflow.');
  if (!sw.workflowId) throw new InvalidArgumentError('Schedule action startWorkflow.workflowId is not set.');
  if (!sw.workflowType?.name) throw new InvalidArgumentError('Schedule action startWorkflow.workflowType is not set.');
  if (!sw.taskQueue?.name) throw new InvalidArgumentError('Schedule action startWorkflow.taskQueue is not set.');
  return encodeB64(ScheduleAction, schedule.action)!;
}

function nonEmpty(type: typeof Memo | typeof SearchAttributes, value: { fields?: object | null; indexedFields?: object | null } | null | undefined) {
  const m = value?.fields ?? value?.indexedFields;
  return m && Object.keys(m).length > 0 ? encodeB64(type, value) : undefined;
}

const OVERLAP_POLICIES = new Set<number>(Object.values(enums.ScheduleOverlapPolicy).filter((v): v is number => typeof v === 'number'));
const MAX_NOTES = 1000;

function validOverlap(p: number | null | undefined): number {
  if (p != null && !OVERLAP_POLICIES.has(p)) throw new InvalidArgumentError(`Unknown schedule overlap policy ${p}.`);
  return p ?? 0;
}

function validNotes(notes: string | null | undefined): string {
  if ((notes ?? '').length > MAX_NOTES) throw new InvalidArgumentError(`Schedule notes exceed ${MAX_NOTES} characters.`);
  return notes ?? '';
}

/** Applies spec, action, policies and state of a schedule (create and update). */
function applySchedule(r: ScheduleRecord, schedule: ISchedule, now: number, creating: boolean): void {
  r.spec = validSpec(schedule);
  r.action = validAction(schedule);
  const p = schedule.policies ?? {};
  r.overlapPolicy = validOverlap(p.overlapPolicy);
  r.catchupWindowMs = msFromDur(p.catchupWindow);
  r.pauseOnFailure = !!p.pauseOnFailure;
  const st = schedule.state ?? {};
  const paused = !!st.paused;
  if (creating) transition(r.scheduleId, r, paused ? 'createPaused' : 'create', now);
  else transition(r.scheduleId, r, paused ? 'updatePaused' : 'update', now);
  r.notes = validNotes(st.notes);
  r.limitedActions = !!st.limitedActions;
  r.remainingActions = Number(st.remainingActions ?? 0);
}

export function newRecord(req: ICreateScheduleRequest, namespaceId: string, now: number): ScheduleRecord {
  const scheduleId = req.scheduleId ?? '';
  if (!scheduleId) throw new InvalidArgumentError('ScheduleId is not set on request.');
  if (scheduleId.length > MAX_ID_LENGTH) throw new InvalidArgumentError('ScheduleId exceeds length limit.');
  if (!req.schedule) throw new InvalidArgumentError('Schedule is not set on request.');
  const r: ScheduleRecord = {
    namespaceId,
    scheduleId,
    status: 'none',
    transitions: [],
    spec: null as unknown as CanonicalSpec,
    action: '',
    overlapPolicy: 0,
    catchupWindowMs: 0,
    pauseOnFailure: false,
    notes: '',
    limitedActions: false,
    remainingActions: 0,
    memo: nonEmpty(Memo, req.memo),
    searchAttributes: nonEmpty(SearchAttributes, req.searchAttributes),
    createTime: now,
    updateTime: null,
    lastProcessedTime: now,
    actionCount: 0,
    missedCatchupWindow: 0,
    overlapSkipped: 0,
    bufferDropped: 0,
    runningWorkflows: [],
    recentActions: [],
    buffered: [],
    conflictToken: 1,
  };
  applySchedule(r, req.schedule, now, true);
  return r;
}

export function applyUpdate(r: ScheduleRecord, schedule: ISchedule, searchAttributes: TemporalTypes.api.common.v1.ISearchAttributes | null | undefined, now: number): void {
  applySchedule(r, schedule, now, false);
  // Unset leaves the schedule's search attributes as they are; an empty map clears them.
  if (searchAttributes) r.searchAttributes = nonEmpty(SearchAttributes, searchAttributes);
  r.updateTime = now;
  r.conflictToken++;
}

/** Validates a patch before it is applied (nothing is changed when it is refused). */
export function validatePatch(patch: ISchedulePatch | null | undefined): void {
  for (const b of patch?.backfillRequest ?? []) {
    if (!b.startTime || !b.endTime) throw new InvalidArgumentError('Backfill request needs a start time and an end time.');
    if (msFromDur(b.endTime) < msFromDur(b.startTime)) throw new InvalidArgumentError('Backfill end time is before its start time.');
  }
  if (patch?.pause && patch.unpause) throw new InvalidArgumentError('A patch cannot both pause and unpause a schedule.');
  validOverlap(patch?.triggerImmediately?.overlapPolicy);
  for (const b of patch?.backfillRequest ?? []) validOverlap(b.overlapPolicy);
  validNotes(patch?.pause);
  validNotes(patch?.unpause);
}

export function applyPatch(r: ScheduleRecord, patch: ISchedulePatch | null | undefined, now: number): void {
  if (!patch) return;
  if (patch.triggerImmediately) {
    const at = patch.triggerImmediately.scheduledTime ? msFromDur(patch.triggerImmediately.scheduledTime) : now;
    addStart(r, at, at, validOverlap(patch.triggerImmediately.overlapPolicy), true);
  }
  const spec = patch.backfillRequest?.length ? compile(r) : null;
  for (const b of patch.backfillRequest ?? []) {
    // The start is inclusive (Temporal's InclusiveBackfillStartTime).
    processTimeRange(r, spec!, msFromDur(b.startTime) - 1, msFromDur(b.endTime), validOverlap(b.overlapPolicy), true);
  }
  if (patch.pause) {
    transition(r.scheduleId, r, 'pause', now);
    r.notes = validNotes(patch.pause);
    r.conflictToken++;
  }
  if (patch.unpause) {
    transition(r.scheduleId, r, 'unpause', now);
    r.notes = validNotes(patch.unpause);
    r.conflictToken++;
  }
}
