/**
 * Schedules through the real client (`client.schedule.*`) and worker: each spec kind (interval, calendar, cron
 * string, time zone, jitter, start/end), describe, list with visibility queries, update, pause/unpause,
 * trigger, pause on failure, delete, duplicate id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startEnv, uid, waitFor, type TestEnv } from './helpers';

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('schedules');
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: { SchedTeam: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
  });
});
afterAll(async () => {
  await env?.close();
});

const handles: ScheduleHandle[] = [];
afterAll(async () => {
  for (const h of handles) await h.delete().catch(() => {});
});

function action(mode: 'ok' | 'fail' | 'block', workflowId = uid('wf')) {
  return { type: 'startWorkflow' as const, workflowType: 'scheduledTask', args: [mode], taskQueue: env.taskQueue, workflowId };
}

async function create(opts: Parameters<TestEnv['client']['schedule']['create']>[0]): Promise<ScheduleHandle> {
  const h = await env.client.schedule.create(opts);
  handles.push(h);
  return h;
}

const matchingTimes = async (scheduleId: string, start: string, end: string) => {
  const res = await env.connection.workflowService.listScheduleMatchingTimes({
    namespace: 'default',
    scheduleId,
    startTime: { seconds: Date.parse(start) / 1000 as never },
    endTime: { seconds: Date.parse(end) / 1000 as never },
  });
  return (res.startTime ?? []).map((t) => new Date(Number(t.seconds) * 1000).toISOString());
};

describe('spec kinds', () => {
  it('an interval schedule fires on its slots; each start names its slot and carries memo and search attributes', async () => {
    const scheduleId = uid('interval');
    const base = uid('iv-wf');
    const h = await create({
      scheduleId,
      spec: { intervals: [{ every: '2s' }] },
      action: { ...action('ok', base), memo: { from: 'schedule-action' }, searchAttributes: { SchedTeam: ['wf-kw'] } },
      memo: { owner: 'team-a' },
      searchAttributes: { SchedTeam: ['sched-kw'] },
    });
    const d = await waitFor(async () => {
      const x = await h.describe();
      return x.info.recentActions.length >= 2 && x;
    }, 20_000);
    for (const a of d.info.recentActions) {
      expect(a.scheduledAt.getTime() % 2000).toBe(0);
      expect(a.takenAt.getTime()).toBeGreaterThanOrEqual(a.scheduledAt.getTime());
      expect(a.action.workflow.workflowId).toBe(`${base}-${a.scheduledAt.toISOString().replace('.000Z', 'Z')}`);
    }
    expect(d.info.numActionsTaken).toBeGreaterThanOrEqual(2);
    expect(d.info.nextActionTimes.length).toBe(10);
    expect(d.info.nextActionTimes[1].getTime() - d.info.nextActionTimes[0].getTime()).toBe(2000);
    expect(d.memo).toEqual({ owner: 'team-a' });
    expect(d.searchAttributes.SchedTeam).toEqual(['sched-kw']);
    expect(d.spec.intervals).toEqual([{ every: 2000, offset: 0 }]);
    const started = env.client.workflow.getHandle(d.info.recentActions[0].action.workflow.workflowId);
    expect(await started.result()).toMatch(/^done:/);
    const wd = await started.describe();
    expect(wd.memo).toEqual({ from: 'schedule-action' });
    expect(wd.searchAttributes.TemporalScheduledById).toEqual([scheduleId]);
    expect(wd.searchAttributes.SchedTeam).toEqual(['wf-kw']);
    expect((wd.searchAttributes.TemporalScheduledStartTime as Date[])[0].getTime()).toBe(d.info.recentActions[0].scheduledAt.getTime());
  });

  it('a cron string with seconds fires; 5-field cron strings and @-descriptors compile to calendars', async () => {
    const h = await create({ scheduleId: uid('cron'), spec: { cronExpressions: ['*/2 * * * * * *'] }, action: action('ok') });
    const d = await waitFor(async () => {
      const x = await h.describe();
      return x.info.recentActions.length >= 1 && x;
    }, 20_000);
    expect(d.info.recentActions[0].scheduledAt.getUTCSeconds() % 2).toBe(0);
    expect(d.spec.calendars?.[0]).toMatchObject({ second: [{ start: 0, end: 59, step: 2 }] });

    const daily = await create({ scheduleId: uid('cron5'), spec: { cronExpressions: ['30 9 * * MON-FRI'] }, action: action('ok'), state: { paused: true } });
    // 2026-12-04 is a Friday: the next weekday 09:30 after it is Monday the 7th.
    expect(await matchingTimes(daily.scheduleId, '2026-12-04T10:00:00Z', '2026-12-08T23:00:00Z')).toEqual([
      '2026-12-07T09:30:00.000Z',
      '2026-12-08T09:30:00.000Z',
    ]);
    const hourly = await create({ scheduleId: uid('cronat'), spec: { cronExpressions: ['@hourly'] }, action: action('ok'), state: { paused: true } });
    expect(await matchingTimes(hourly.scheduleId, '2026-12-04T10:00:00Z', '2026-12-04T12:00:00Z')).toEqual([
      '2026-12-04T11:00:00.000Z',
      '2026-12-04T12:00:00.000Z',
    ]);
  });

  it('calendar specs follow their time zone across a DST change; CRON_TZ names one too', async () => {
    const h = await create({
      scheduleId: uid('tz'),
      spec: { calendars: [{ hour: 9, minute: 0, dayOfWeek: '*' }], timezone: 'Europe/Berlin' },
      action: action('ok'),
      state: { paused: true },
    });
    // Berlin moves from UTC+1 to UTC+2 on 2026-03-29.
    expect(await matchingTimes(h.scheduleId, '2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
    const d = await h.describe();
    expect(d.spec.timezone).toBe('Europe/Berlin');
    const cronTz = await create({ scheduleId: uid('crontz'), spec: { cronExpressions: ['CRON_TZ=Asia/Kolkata 0 12 * * *'] }, action: action('ok'), state: { paused: true } });
    expect(await matchingTimes(cronTz.scheduleId, '2026-12-04T00:00:00Z', '2026-12-05T00:00:00Z')).toEqual(['2026-12-04T06:30:00.000Z']);
    expect((await cronTz.describe()).spec.timezone).toBe('Asia/Kolkata');
    const bad = await env.client.schedule
      .create({ scheduleId: uid('badtz'), spec: { calendars: [{ hour: 1 }], timezone: 'Mars/Olympus' }, action: action('ok') })
      .catch((e) => e);
    expect(String(bad.cause?.details ?? bad.message)).toMatch(/unknown time zone "Mars\/Olympus"/);
  });

  it('start/end times bound the slots, skip excludes some, an offset shifts an interval, jitter stays within bounds', async () => {
    const h = await create({
      scheduleId: uid('bounds'),
      spec: {
        intervals: [{ every: '1h', offset: '15m' }],
        skip: [{ hour: 12, minute: 15 }],
        startAt: new Date('2026-12-04T10:30:00Z'),
        endAt: new Date('2026-12-04T14:00:00Z'),
      },
      action: action('ok'),
      state: { paused: true },
    });
    expect(await matchingTimes(h.scheduleId, '2026-12-04T00:00:00Z', '2026-12-05T00:00:00Z')).toEqual([
      '2026-12-04T11:15:00.000Z',
      '2026-12-04T13:15:00.000Z',
    ]);
    const j = await create({ scheduleId: uid('jitter'), spec: { intervals: [{ every: '2s' }], jitter: '1500ms' }, action: action('ok') });
    const d = await waitFor(async () => {
      const x = await j.describe();
      return x.info.recentActions.length >= 2 && x;
    }, 20_000);
    for (const a of d.info.recentActions) {
      const delay = a.takenAt.getTime() - a.scheduledAt.getTime();
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(1500);
    }
    expect(d.spec.jitter).toBe(1500);
  });
});

describe('lifecycle', () => {
  it('a duplicate schedule id raises ScheduleAlreadyRunning; delete removes it (describe → ScheduleNotFoundError)', async () => {
    const scheduleId = uid('dup');
    const h = await create({ scheduleId, spec: { intervals: [{ every: '1h' }] }, action: action('ok') });
    const err = await env.client.schedule.create({ scheduleId, spec: { intervals: [{ every: '1h' }] }, action: action('ok') }).catch((e) => e);
    expect(err).toBeInstanceOf(ScheduleAlreadyRunning);
    await h.delete();
    expect(await h.describe().catch((e) => e)).toBeInstanceOf(ScheduleNotFoundError);
    expect(await h.delete().catch((e) => e)).toBeInstanceOf(ScheduleNotFoundError);

    // The same create request again (a retry) succeeds; another request for the id is ALREADY_EXISTS.
    const svc = env.connection.workflowService;
    const req = {
      namespace: 'default',
      scheduleId: uid('retry'),
      requestId: uid('req'),
      schedule: {
        spec: { interval: [{ interval: { seconds: 3600 as never } }] },
        action: { startWorkflow: { workflowId: uid('w'), workflowType: { name: 'scheduledTask' }, taskQueue: { name: env.taskQueue } } },
      },
    };
    const first = await svc.createSchedule(req);
    const again = await svc.createSchedule(req);
    expect(Buffer.from(again.conflictToken!).equals(Buffer.from(first.conflictToken!))).toBe(true);
    const other = await svc.createSchedule({ ...req, requestId: uid('req2') }).catch((e) => e);
    expect(other.code).toBe(6); // ALREADY_EXISTS
    await svc.deleteSchedule({ namespace: 'default', scheduleId: req.scheduleId });
  });

  it('update replaces spec, action and policies; pause/unpause set notes; trigger starts at once even when paused', async () => {
    const h = await create({ scheduleId: uid('upd'), spec: { intervals: [{ every: '1h' }] }, action: action('ok'), state: { paused: true, note: 'created paused' } });
    let d = await h.describe();
    expect(d.state).toMatchObject({ paused: true, note: 'created paused' });
    expect(d.info.lastUpdatedAt).toBeUndefined();
    await h.update((prev) => ({ ...prev, spec: { calendars: [{ hour: 6, minute: 30 }] }, policies: { ...prev.policies, overlap: 'BUFFER_ALL', catchupWindow: '5m' } }));
    d = await h.describe();
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 6, end: 6, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
    expect(d.spec.intervals).toEqual([]);
    expect(d.policies).toMatchObject({ overlap: 'BUFFER_ALL', catchupWindow: 300_000 });
    expect(d.info.lastUpdatedAt).toBeInstanceOf(Date);
    for (const t of d.info.nextActionTimes) expect([t.getUTCHours(), t.getUTCMinutes()]).toEqual([6, 30]);
    await h.unpause('back on');
    expect((await h.describe()).state).toMatchObject({ paused: false, note: 'back on' });
    await h.pause('hold');
    expect((await h.describe()).state).toMatchObject({ paused: true, note: 'hold' });
    await h.trigger();
    d = await waitFor(async () => {
      const x = await h.describe();
      return x.info.recentActions.length === 1 && x;
    });
    expect(d.info.numActionsTaken).toBe(1);
    expect(await env.client.workflow.getHandle(d.info.recentActions[0].action.workflow.workflowId).result()).toMatch(/^done:/);
  });

  it('unregistered search attributes on the schedule or its action are refused', async () => {
    for (const opts of [{ searchAttributes: { NoSuchAttr: ['x'] } }, { action: { ...action('ok'), searchAttributes: { NoSuchAttr: ['x'] } } }]) {
      const err = await env.client.schedule
        .create({ scheduleId: uid('badsa'), spec: { intervals: [{ every: '1h' }] }, action: action('ok'), ...opts })
        .catch((e) => e);
      expect(err?.cause?.code).toBe(3); // INVALID_ARGUMENT
      expect(String(err?.cause?.details)).toMatch(/NoSuchAttr/);
    }
  });

  it('pause on failure pauses the schedule when a started workflow fails', async () => {
    const h = await create({ scheduleId: uid('pof'), spec: { intervals: [{ every: '1h' }] }, action: action('fail'), policies: { pauseOnFailure: true } });
    // The client triggers with ALLOW_ALL by default, whose starts are not tracked (as in Temporal): SKIP is.
    await h.trigger('SKIP');
    const d = await waitFor(async () => {
      const x = await h.describe();
      return x.state.paused && x;
    });
    expect(d.state.note).toMatch(/^paused due to workflow failure: .*: scheduled failure$/);
    expect(d.info.runningActions).toEqual([]);
  });

  it('remaining actions limit scheduled starts', async () => {
    const h = await create({ scheduleId: uid('limited'), spec: { intervals: [{ every: '1s' }] }, action: action('ok'), state: { remainingActions: 2 } });
    const d = await waitFor(async () => {
      const x = await h.describe();
      return x.state.remainingActions === 0 && x;
    }, 20_000);
    expect(d.info.numActionsTaken).toBe(2);
    expect(d.info.nextActionTimes).toEqual([]);
  });

  it('list filters schedules with visibility queries; workflow lists leave schedules out', async () => {
    const tag = uid('listkw');
    const a = await create({ scheduleId: uid('list-a'), spec: { intervals: [{ every: '1h' }] }, action: action('ok'), searchAttributes: { SchedTeam: [tag] } });
    const b = await create({ scheduleId: uid('list-b'), spec: { intervals: [{ every: '1h' }] }, action: action('ok'), searchAttributes: { SchedTeam: [tag] }, state: { paused: true } });
    const ids = async (query?: string) => {
      const out: string[] = [];
      for await (const s of env.client.schedule.list({ query })) out.push(s.scheduleId);
      return out.sort();
    };
    expect(await ids(`SchedTeam = '${tag}'`)).toEqual([a.scheduleId, b.scheduleId].sort());
    expect(await ids(`SchedTeam = '${tag}' AND TemporalSchedulePaused = true`)).toEqual([b.scheduleId]);
    expect(await ids()).toEqual(expect.arrayContaining([a.scheduleId, b.scheduleId]));
    for await (const s of env.client.schedule.list({ query: `SchedTeam = '${tag}'` })) {
      expect(s.action?.workflowType).toBe('scheduledTask');
      expect(s.info.nextActionTimes.length).toBeGreaterThan(0);
    }
    const wfs: string[] = [];
    for await (const w of env.client.workflow.list({ query: `SchedTeam = '${tag}'` })) wfs.push(w.workflowId);
    expect(wfs).toEqual([]);
  });
});
