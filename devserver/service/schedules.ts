/** Create / describe / update / patch / delete / list schedules, and ListScheduleMatchingTimes. */
import { FailedPreconditionError, InvalidArgumentError, notFound, ScheduleAlreadyExistsError, type WorkflowServiceHandlers } from '../errors';
import { decodeB64, Memo, msFromDur, SearchAttributes, tsFromMs, type TemporalTypes } from '../proto';

import type { Engine } from '../engine/engine';
import { compile, infoProto, listEntryProto, nextWakeAt, scheduleProto, type ScheduleRecord } from '../schedules/model';
import { applyPatch, applyUpdate, newRecord, validatePatch } from '../schedules/requests';
import type { ScheduleRunner } from '../schedules/runner';
import * as store from '../schedules/store';
import { transition } from '../schedules/transitions';
import type { ScheduleVisibility } from '../schedules/visibility';


/** The conflict token on the wire: the record's counter as 8 little-endian bytes (as Temporal encodes it). */
function tokenBytes(token: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(token));
  return b;
}
function tokenOf(bytes: Uint8Array | null | undefined): number | null {
  if (!bytes || bytes.length === 0) return null;
  if (bytes.length !== 8) throw new InvalidArgumentError('Invalid conflict token.');
  return Number(Buffer.from(bytes).readBigInt64LE());
}

const MAX_MATCHING_TIMES = 1000;

export function scheduleHandlers(engine: Engine, runner: ScheduleRunner, visibility: ScheduleVisibility): WorkflowServiceHandlers {
  const load = async (namespaceId: string, scheduleId: string | null | undefined): Promise<ScheduleRecord> => {
    if (!scheduleId) throw new InvalidArgumentError('ScheduleId is not set on request.');
    const row = await store.loadSchedule(engine.db, namespaceId, scheduleId);
    if (!row) throw notFound(`schedule not found: ${scheduleId}`);
    return row.record;
  };
  /** A request's change in one step of the schedule; NOT_FOUND when it is gone. */
  const change = async (namespaceId: string, scheduleId: string, mutate: (r: ScheduleRecord) => void) => {
    await load(namespaceId, scheduleId);
    const r = await runner.step(namespaceId, scheduleId, { mutate });
    if (!r) throw notFound(`schedule not found: ${scheduleId}`);
    return r;
  };

  return {
    async CreateSchedule(req: TemporalTypes.api.workflowservice.v1.ICreateScheduleRequest) {
      const ns = await engine.namespace(req.namespace);
      const now = engine.now();
      const r = newRecord(req, ns.id, now);
      validatePatch(req.initialPatch);
      await visibility.validate(ns.id, req.searchAttributes?.indexedFields, req.schedule?.action?.startWorkflow?.searchAttributes?.indexedFields);
      const requestId = req.requestId || engine.ids.requestId();
      r.createRequestId = requestId;
      const created = await runner.locked(ns.id, r.scheduleId, async () => {
        if (!(await store.insertSchedule(engine.db, r, nextWakeAt(r, compile(r))))) return false;
        await visibility.record(r);
        return true;
      });
      if (!created) {
        const existing = await load(ns.id, r.scheduleId);
        // The same create request again (a client retry) succeeds, as Temporal's start request ids do.
        if (existing.createRequestId === requestId) return { conflictToken: tokenBytes(existing.conflictToken) };
        throw new ScheduleAlreadyExistsError(r.scheduleId, existing.createRequestId ?? '');
      }
      const after = await runner.step(ns.id, r.scheduleId, { mutate: (x) => applyPatch(x, req.initialPatch, engine.now()) });
      return { conflictToken: tokenBytes(after?.conflictToken ?? r.conflictToken) };
    },

    async DescribeSchedule(req: TemporalTypes.api.workflowservice.v1.IDescribeScheduleRequest) {
      const ns = await engine.namespace(req.namespace);
      const r = await load(ns.id, req.scheduleId);
      return {
        schedule: scheduleProto(r),
        info: infoProto(r, compile(r)),
        memo: decodeB64(Memo, r.memo) ?? { fields: {} },
        searchAttributes: decodeB64(SearchAttributes, r.searchAttributes) ?? { indexedFields: {} },
        conflictToken: tokenBytes(r.conflictToken),
      };
    },

    async UpdateSchedule(req: TemporalTypes.api.workflowservice.v1.IUpdateScheduleRequest) {
      const ns = await engine.namespace(req.namespace);
      if (!req.schedule) throw new InvalidArgumentError('Schedule is not set on request.');
      const expected = tokenOf(req.conflictToken);
      await visibility.validate(ns.id, req.searchAttributes?.indexedFields, req.schedule.action?.startWorkflow?.searchAttributes?.indexedFields);
      await change(ns.id, req.scheduleId ?? '', (r) => {
        if (expected != null && expected !== r.conflictToken)
          throw new FailedPreconditionError(`schedule ${r.scheduleId} was changed since the conflict token was read`);
        applyUpdate(r, req.schedule!, req.searchAttributes, engine.now());
      });
      return {};
    },

    async PatchSchedule(req: TemporalTypes.api.workflowservice.v1.IPatchScheduleRequest) {
      const ns = await engine.namespace(req.namespace);
      validatePatch(req.patch);
      await change(ns.id, req.scheduleId ?? '', (r) => applyPatch(r, req.patch, engine.now()));
      return {};
    },

    async DeleteSchedule(req: TemporalTypes.api.workflowservice.v1.IDeleteScheduleRequest) {
      const ns = await engine.namespace(req.namespace);
      const scheduleId = req.scheduleId ?? '';
      await runner.locked(ns.id, scheduleId, async () => {
        const r = await load(ns.id, scheduleId);
        transition(scheduleId, r, 'delete', engine.now());
        runner.unwatch(r);
        await store.deleteSchedule(engine.db, ns.id, scheduleId);
        await visibility.delete(ns.id, scheduleId);
      });
      return {};
    },

    async ListSchedules(req: TemporalTypes.api.workflowservice.v1.IListSchedulesRequest) {
      const ns = await engine.namespace(req.namespace);
      const page = await visibility.list(ns.id, req.query ?? '', req.maximumPageSize ?? 0, req.nextPageToken ?? null);
      const byId = new Map((await store.schedulesOf(engine.db, ns.id, page.ids)).map((r) => [r.scheduleId, r]));
      const schedules = page.ids.flatMap((id) => {
        const r = byId.get(id);
        return r ? [listEntryProto(r, compile(r))] : [];
      });
      return { schedules, nextPageToken: page.nextPageToken };
    },

    async ListScheduleMatchingTimes(req: TemporalTypes.api.workflowservice.v1.IListScheduleMatchingTimesRequest) {
      const ns = await engine.namespace(req.namespace);
      const r = await load(ns.id, req.scheduleId);
      if (!req.startTime || !req.endTime) throw new InvalidArgumentError('ListScheduleMatchingTimes needs a start time and an end time.');
      const times = compile(r).times(msFromDur(req.startTime), MAX_MATCHING_TIMES, msFromDur(req.endTime));
      return { startTime: times.map((t) => tsFromMs(t.next)) };
    },
  };
}
