/**
 * Answers carrying a history put the stored, encoded events on the wire as they are (devserver/encoded-history.ts):
 * the bytes are exactly those of the same answer built from decoded events, wherever a History sits in an answer,
 * and the devserver's history answers — pages, the close event, the reverse pages, workflow tasks replayed from
 * the whole history by a worker without the run in its cache — are right on the real SDK.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { EncodedHistory } from '../../devserver/encoded-history';
import { encodeEvent } from '../../devserver/proto';
import * as activities from '../../devserver/harness/activities';
import { eventIds, startEnv, uid, workflowBundle, type TestEnv } from './helpers';

const ws = temporal.api.workflowservice.v1;
const ET = temporal.api.enums.v1.EventType;

const events = [
  {
    eventId: 1,
    eventTime: { seconds: 1_700_000_000, nanos: 5 },
    eventType: ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
    workflowExecutionStartedEventAttributes: {
      workflowType: { name: 'wf' },
      taskQueue: { name: 'q' },
      input: { payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"a":1}') }] },
      header: { fields: { k: { data: Buffer.from('v') } } },
    },
  },
  { eventId: 2, eventType: ET.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, workflowTaskScheduledEventAttributes: { taskQueue: { name: 'q' }, attempt: 1 } },
  { eventId: 3, eventType: ET.EVENT_TYPE_WORKFLOW_TASK_STARTED, workflowTaskStartedEventAttributes: { scheduledEventId: 2, identity: 'w', historySizeBytes: 300 } },
];
const encoded = () => events.map(encodeEvent);

/** Every answer type that carries a History, with the History placed where that answer has it. */
const placements: [string, { fromObject(o: object): object; encode(m: object): { finish(): Uint8Array }; decode(b: Uint8Array): object }, (history: object) => object][] = [
  ['PollWorkflowTaskQueueResponse', ws.PollWorkflowTaskQueueResponse, (history) => ({ taskToken: Buffer.from('t'), attempt: 2, history })],
  ['GetWorkflowExecutionHistoryResponse', ws.GetWorkflowExecutionHistoryResponse, (history) => ({ history, nextPageToken: Buffer.from('n') })],
  ['GetWorkflowExecutionHistoryReverseResponse', ws.GetWorkflowExecutionHistoryReverseResponse, (history) => ({ history })],
  ['StartWorkflowExecutionResponse (eager task)', ws.StartWorkflowExecutionResponse, (history) => ({ runId: 'r', started: true, eagerWorkflowTask: { taskToken: Buffer.from('t'), history } })],
  ['RespondWorkflowTaskCompletedResponse (next task)', ws.RespondWorkflowTaskCompletedResponse, (history) => ({ workflowTask: { startedEventId: 3, history } })],
];

const wire = (type: (typeof placements)[number][1], o: object) => Buffer.from(type.encode(type.fromObject(o)).finish());

describe('an encoded history on the wire', () => {
  it.each(placements)('%s: the same bytes as the answer built from decoded events', (_name, type, answer) => {
    const fromEncoded = wire(type, answer(new EncodedHistory(encoded())));
    expect(fromEncoded.equals(wire(type, answer({ events })))).toBe(true);
    // What a client decodes is the answer it was built from: encoded again, the same bytes.
    expect(fromEncoded.equals(wire(type, type.decode(fromEncoded)))).toBe(true);
  });

  it('reads back as the events it was made of; an empty one is an empty history', () => {
    const H = temporal.api.history.v1.History;
    const back = H.decode(H.encode(new EncodedHistory(encoded())).finish());
    expect(eventIds(back)).toEqual([1, 2, 3]);
    expect(Buffer.from(back.events[0].workflowExecutionStartedEventAttributes!.input!.payloads![0].data!).toString()).toBe('{"a":1}');
    expect(H.encode(new EncodedHistory([])).finish().length).toBe(0);
  });

  it('views into a larger buffer are written as their own bytes only', () => {
    const all = Buffer.concat(encoded());
    const ends = encoded().reduce<number[]>((acc, e) => [...acc, (acc.at(-1) ?? 0) + e.length], []);
    const views = ends.map((end, i) => all.subarray(i === 0 ? 0 : ends[i - 1], end));
    const R = ws.PollWorkflowTaskQueueResponse;
    expect(wire(R, { history: new EncodedHistory(views) }).equals(wire(R, { history: { events } }))).toBe(true);
  });

  it('a module evaluated again over the same proto root wraps nothing twice, and both its classes are written', async () => {
    const encoder = temporal.api.history.v1.History.encode;
    vi.resetModules();
    const again = await import('../../devserver/encoded-history');
    expect(again.EncodedHistory).not.toBe(EncodedHistory);
    expect(temporal.api.history.v1.History.encode).toBe(encoder);
    const R = ws.PollWorkflowTaskQueueResponse;
    const expected = wire(R, { history: { events } });
    expect(wire(R, { history: new again.EncodedHistory(encoded()) }).equals(expected)).toBe(true);
    expect(wire(R, { history: new EncodedHistory(encoded()) }).equals(expected)).toBe(true);
  });
});

describe('history answers of the devserver on the real SDK', () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await startEnv('encoded-history');
  });
  afterAll(async () => {
    await env?.close();
  });

  it('pages, the close event and the reverse pages carry the run’s events, in order', async () => {
    const h = await env.client.workflow.start('sequence', { taskQueue: env.taskQueue, workflowId: uid('seq'), args: [['a', 'b', 'c']] });
    expect(await h.result()).toEqual(['a', 'b', 'c']);
    const all = await h.fetchHistory();
    const n = all.events!.length;
    expect(eventIds(all)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(all.events!.at(-1)!.eventType).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);

    const svc = env.connection.workflowService;
    const execution = { workflowId: h.workflowId };
    const pages: number[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse = await svc.getWorkflowExecutionHistory({ namespace: 'default', execution, maximumPageSize: 4, nextPageToken });
      pages.push(...eventIds(page.history!));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    expect(pages).toEqual(eventIds(all));

    const close = await svc.getWorkflowExecutionHistory({
      namespace: 'default',
      execution,
      historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    expect(eventIds(close.history!)).toEqual([n]);
    expect(close.history!.events![0].eventType).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);

    const reverse: number[] = [];
    nextPageToken = undefined;
    do {
      const page: temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryReverseResponse = await svc.getWorkflowExecutionHistoryReverse({ namespace: 'default', execution, maximumPageSize: 5, nextPageToken });
      reverse.push(...eventIds(page.history!));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    expect(reverse).toEqual(eventIds(all).reverse());
    const decodedReverse = await svc.getWorkflowExecutionHistoryReverse({ namespace: 'default', execution, maximumPageSize: 1 });
    expect(decodedReverse.history!.events![0]).toEqual(all.events!.at(-1));
  });

  it('a worker that caches no run replays each workflow task from the whole history it carries', async () => {
    const taskQueue = `${env.taskQueue}-uncached`;
    // No cache: every task goes to the normal queue and carries the history from event 1, and the worker replays it.
    const uncached = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
      maxCachedWorkflows: 0,
    });
    await uncached.runUntil(async () => {
      const h = await env.client.workflow.start('signalCounter', { taskQueue, workflowId: uid('count'), args: [3] });
      for (const n of [1, 2, 4]) await h.signal('add', n);
      expect(await h.result()).toBe(7);
      expect(await h.query('total')).toBe(7);
      const types = (await h.fetchHistory()).events!.map((e) => e.eventType);
      expect(types.filter((t) => t === ET.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)).toHaveLength(3);
    });
  });
});
