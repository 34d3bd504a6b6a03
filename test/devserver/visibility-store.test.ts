/**
 * Visibility against a real database: in-memory PGlite always, and a scratch database on the Postgres
 * server of DATABASE_URL when it is set. Records go in through recordVisibility, queries through the
 * RPC handlers with request messages built from @temporalio/proto.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import {
  decodeTypedSearchAttributes,
  encodeUnifiedSearchAttributes,
} from '@temporalio/common/lib/converter/payload-search-attributes';
import { NamespaceNotFoundError, DevServerError, GrpcStatus } from '../../devserver/errors';
import {
  createVisibilityHandlers,
  deleteVisibility,
  recordVisibility,
  validateSearchAttributes,
  type VisibilityRecord,
} from '../../devserver/visibility';
import { openScratchPglite, openScratchPostgres, type ScratchDatabase } from '../../devserver/visibility/scratch-database';

const ws = temporal.api.workflowservice.v1;
const ops = temporal.api.operatorservice.v1;
const Status = temporal.api.enums.v1.WorkflowExecutionStatus;
const VT = temporal.api.enums.v1.IndexedValueType;

const keys = {
  kw: defineSearchAttributeKey('CustomKeyword', SearchAttributeType.KEYWORD),
  text: defineSearchAttributeKey('CustomText', SearchAttributeType.TEXT),
  int: defineSearchAttributeKey('CustomInt', SearchAttributeType.INT),
  dbl: defineSearchAttributeKey('CustomDouble', SearchAttributeType.DOUBLE),
  bool: defineSearchAttributeKey('CustomBool', SearchAttributeType.BOOL),
  dt: defineSearchAttributeKey('CustomDatetime', SearchAttributeType.DATETIME),
  list: defineSearchAttributeKey('CustomKeywordList', SearchAttributeType.KEYWORD_LIST),
};

const T0 = Date.parse('2024-01-01T00:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const STATUSES = [
  Status.WORKFLOW_EXECUTION_STATUS_RUNNING,
  Status.WORKFLOW_EXECUTION_STATUS_COMPLETED,
  Status.WORKFLOW_EXECUTION_STATUS_FAILED,
  Status.WORKFLOW_EXECUTION_STATUS_CANCELED,
  Status.WORKFLOW_EXECUTION_STATUS_TERMINATED,
  Status.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW,
  Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
  Status.WORKFLOW_EXECUTION_STATUS_COMPLETED,
];
const TEXTS = ['Quick brown fox', 'lazy dog sleeps', 'The QUICK cat', 'brown bear'];

interface Fixture {
  i: number;
  rec: VisibilityRecord;
  sa: { kw: string; text: string; int: number; dbl: number; bool: boolean; dt: Date; list: string[] } | null;
}

function fixture(i: number, namespaceId = 'ns-default'): Fixture {
  const start = new Date(T0 + i * HOUR);
  const status = STATUSES[i % STATUSES.length];
  const closed = status !== Status.WORKFLOW_EXECUTION_STATUS_RUNNING;
  const sa =
    i === 11
      ? null
      : {
          kw: `kw-${i % 3}`,
          text: TEXTS[i % TEXTS.length],
          int: i * 10,
          dbl: i + 0.5,
          bool: i % 2 === 0,
          dt: new Date(T0 + i * DAY),
          list: [`tag-${i % 2}`, `grp-${i % 3}`],
        };
  const pairs: SearchAttributePair[] = sa
    ? [
        { key: keys.kw, value: sa.kw },
        { key: keys.text, value: sa.text },
        { key: keys.int, value: sa.int },
        { key: keys.dbl, value: sa.dbl },
        { key: keys.bool, value: sa.bool },
        { key: keys.dt, value: sa.dt },
        { key: keys.list, value: sa.list },
      ]
    : [];
  return {
    i,
    sa,
    rec: {
      namespaceId,
      workflowId: `wf-${String(i).padStart(2, '0')}`,
      runId: `run-${String(i).padStart(2, '0')}`,
      workflowType: i % 2 === 0 ? 'OrderWorkflow' : 'RefundWorkflow',
      taskQueue: i < 6 ? 'tq-a' : 'tq-b',
      status,
      startTime: start,
      executionTime: i === 3 ? new Date(start.getTime() + 30 * 60_000) : start,
      closeTime: closed ? new Date(start.getTime() + (i + 1) * 60_000) : null,
      historyLength: 10 + i,
      memo: i === 1 ? { fields: { note: { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"hi"') } } } : null,
      searchAttributes: encodeUnifiedSearchAttributes(undefined, pairs) as VisibilityRecord['searchAttributes'],
      parentWorkflowId: i === 4 ? 'wf-00' : null,
      parentRunId: i === 4 ? 'run-00' : null,
    },
  };
}

const FIXTURES = Array.from({ length: 12 }, (_, i) => fixture(i));

const targets: { name: string; open: () => Promise<ScratchDatabase> }[] = [{ name: 'pglite', open: () => openScratchPglite() }];
if (process.env.DATABASE_URL) targets.push({ name: 'postgres', open: () => openScratchPostgres(process.env.DATABASE_URL!, 'vis_store') });

const NAMESPACES: Record<string, string> = { default: 'ns-default', other: 'ns-other' };
async function resolveNamespace(name: string) {
  const id = NAMESPACES[name];
  if (!id) throw new NamespaceNotFoundError(name);
  return { id, name };
}

async function rpcError(p: Promise<unknown>): Promise<DevServerError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DevServerError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe.each(targets)('visibility on $name', ({ open }) => {
  let scratch: ScratchDatabase;
  let h: ReturnType<typeof createVisibilityHandlers>;
  const signal = new AbortController().signal;

  const list = async (query: string, pageSize = 0, nextPageToken?: Uint8Array, namespace = 'default') =>
    (await h.workflowService.ListWorkflowExecutions(
      ws.ListWorkflowExecutionsRequest.create({ namespace, query, pageSize, nextPageToken }),
      signal,
    )) as { executions: { execution: { workflowId: string } }[]; nextPageToken: Uint8Array };
  const ids = async (query: string) => (await list(query)).executions.map((e) => e.execution.workflowId);
  const count = async (query: string) =>
    (await h.workflowService.CountWorkflowExecutions(ws.CountWorkflowExecutionsRequest.create({ namespace: 'default', query }), signal)) as {
      count: number;
      groups: { count: number; groupValues: temporal.api.common.v1.IPayload[] }[];
    };
  /** Expected ids in the default order (StartTime DESC). */
  const expected = (pred: (f: Fixture) => boolean) =>
    FIXTURES.filter(pred)
      .sort((a, b) => b.i - a.i)
      .map((f) => f.rec.workflowId);

  beforeAll(async () => {
    scratch = await open();
    let tick = 0;
    h = createVisibilityHandlers({ db: scratch.db, resolveNamespace, now: () => new Date(T0 + tick++ * 1000) });
    await h.operatorService.AddSearchAttributes(
      ops.AddSearchAttributesRequest.create({
        namespace: 'default',
        searchAttributes: {
          CustomKeyword: VT.INDEXED_VALUE_TYPE_KEYWORD,
          CustomText: VT.INDEXED_VALUE_TYPE_TEXT,
          CustomInt: VT.INDEXED_VALUE_TYPE_INT,
          CustomDouble: VT.INDEXED_VALUE_TYPE_DOUBLE,
          CustomBool: VT.INDEXED_VALUE_TYPE_BOOL,
          CustomDatetime: VT.INDEXED_VALUE_TYPE_DATETIME,
          CustomKeywordList: VT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
        },
      }),
      signal,
    );
    await scratch.db.transaction(async (tx) => {
      for (const f of FIXTURES) await recordVisibility(tx, f.rec);
    });
    // Same workflow ids in another namespace must never show up in "default".
    for (const i of [0, 1, 2]) await recordVisibility(scratch.db, fixture(i, 'ns-other').rec);
  });

  afterAll(async () => {
    await scratch?.close();
  });

  describe('search attribute registry', () => {
    it('lists registered custom attributes with system ones, and GetSearchAttributes includes both', async () => {
      const res = (await h.operatorService.ListSearchAttributes(ops.ListSearchAttributesRequest.create({ namespace: 'default' }), signal)) as {
        customAttributes: Record<string, number>;
        systemAttributes: Record<string, number>;
      };
      expect(res.customAttributes).toEqual({
        CustomKeyword: VT.INDEXED_VALUE_TYPE_KEYWORD,
        CustomText: VT.INDEXED_VALUE_TYPE_TEXT,
        CustomInt: VT.INDEXED_VALUE_TYPE_INT,
        CustomDouble: VT.INDEXED_VALUE_TYPE_DOUBLE,
        CustomBool: VT.INDEXED_VALUE_TYPE_BOOL,
        CustomDatetime: VT.INDEXED_VALUE_TYPE_DATETIME,
        CustomKeywordList: VT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
      });
      expect(res.systemAttributes).toMatchObject({
        WorkflowId: VT.INDEXED_VALUE_TYPE_KEYWORD,
        ExecutionStatus: VT.INDEXED_VALUE_TYPE_KEYWORD,
        StartTime: VT.INDEXED_VALUE_TYPE_DATETIME,
        HistoryLength: VT.INDEXED_VALUE_TYPE_INT,
        TemporalChangeVersion: VT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
      });
      const all = (await h.workflowService.GetSearchAttributes(ws.GetSearchAttributesRequest.create({}), signal)) as {
        keys: Record<string, number>;
      };
      expect(all.keys).toMatchObject({ CustomInt: VT.INDEXED_VALUE_TYPE_INT, RunId: VT.INDEXED_VALUE_TYPE_KEYWORD, CloseTime: VT.INDEXED_VALUE_TYPE_DATETIME });
      const other = (await h.operatorService.ListSearchAttributes(ops.ListSearchAttributesRequest.create({ namespace: 'other' }), signal)) as {
        customAttributes: Record<string, number>;
      };
      expect(other.customAttributes).toEqual({});
    });

    it('treats re-adding with the same type as a no-op and rejects conflicts, reserved names and bad types', async () => {
      const add = (searchAttributes: Record<string, number>, namespace = 'default') =>
        h.operatorService.AddSearchAttributes(ops.AddSearchAttributesRequest.create({ namespace, searchAttributes }), signal);
      await expect(add({ CustomInt: VT.INDEXED_VALUE_TYPE_INT })).resolves.toEqual({});
      const conflict = await rpcError(add({ CustomInt: VT.INDEXED_VALUE_TYPE_KEYWORD }));
      expect([conflict.status, conflict.code, conflict.message]).toEqual([GrpcStatus.ALREADY_EXISTS, 'SEARCH_ATTRIBUTE_ALREADY_EXISTS', 'Search attribute CustomInt already exists.']);
      const reserved = await rpcError(add({ WorkflowId: VT.INDEXED_VALUE_TYPE_KEYWORD }));
      expect([reserved.status, reserved.message]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'Search attribute WorkflowId is reserved by system.']);
      const prefixed = await rpcError(add({ TemporalFoo: VT.INDEXED_VALUE_TYPE_KEYWORD }));
      expect(prefixed.code).toBe('SEARCH_ATTRIBUTE_RESERVED');
      const badType = await rpcError(add({ Fine: VT.INDEXED_VALUE_TYPE_UNSPECIFIED }));
      expect([badType.status, badType.message]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'Unknown search attribute type: 0.']);
      const badNs = await rpcError(add({ Fine: VT.INDEXED_VALUE_TYPE_INT }, 'nope'));
      expect([badNs.status, badNs.code]).toEqual([GrpcStatus.NOT_FOUND, 'NAMESPACE_NOT_FOUND']);
    });

    it('removes custom attributes; unknown or system names are errors', async () => {
      const add = ops.AddSearchAttributesRequest.create({ namespace: 'other', searchAttributes: { Temp: VT.INDEXED_VALUE_TYPE_INT } });
      await h.operatorService.AddSearchAttributes(add, signal);
      const remove = (names: string[]) =>
        h.operatorService.RemoveSearchAttributes(ops.RemoveSearchAttributesRequest.create({ namespace: 'other', searchAttributes: names }), signal);
      await expect(remove(['Temp'])).resolves.toEqual({});
      const missing = await rpcError(remove(['Temp']));
      expect([missing.status, missing.code, missing.message]).toEqual([GrpcStatus.NOT_FOUND, 'SEARCH_ATTRIBUTE_NOT_FOUND', "Search attribute Temp doesn't exist."]);
      const system = await rpcError(remove(['StartTime']));
      expect([system.status, system.code]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'SEARCH_ATTRIBUTE_NOT_CUSTOM']);
      const q = await rpcError(list('Temp = 1', 0, undefined, 'other'));
      expect(q.message).toBe("invalid query at position 0: column name 'Temp' is not a valid search attribute");
    });
  });

  describe('list filters', () => {
    const cases: [string, (f: Fixture) => boolean][] = [
      ['', () => true],
      ["WorkflowId = 'wf-03'", (f) => f.i === 3],
      ["WorkflowId != 'wf-03'", (f) => f.i !== 3],
      ["WorkflowId IN ('wf-01', 'wf-05', 'nope')", (f) => f.i === 1 || f.i === 5],
      ["WorkflowId NOT IN ('wf-01', 'wf-05')", (f) => f.i !== 1 && f.i !== 5],
      ["WorkflowId STARTS_WITH 'wf-1'", (f) => f.i >= 10],
      ["WorkflowId NOT STARTS_WITH 'wf-1'", (f) => f.i < 10],
      ["WorkflowId > 'wf-08'", (f) => f.i > 8],
      ["WorkflowId BETWEEN 'wf-02' AND 'wf-04'", (f) => f.i >= 2 && f.i <= 4],
      ["WorkflowType = 'OrderWorkflow'", (f) => f.i % 2 === 0],
      ["TaskQueue = 'tq-b'", (f) => f.i >= 6],
      ["RunId = 'run-07'", (f) => f.i === 7],
      ["ExecutionStatus = 'Running'", (f) => f.rec.status === Status.WORKFLOW_EXECUTION_STATUS_RUNNING],
      ["ExecutionStatus != 'Running'", (f) => f.rec.status !== Status.WORKFLOW_EXECUTION_STATUS_RUNNING],
      ["ExecutionStatus IN ('Failed', 'TimedOut', 'ContinuedAsNew')", (f) => [3, 7, 6].includes(f.rec.status)],
      ["ExecutionStatus = 'Completed'", (f) => f.rec.status === 2],
      ["ExecutionStatus = 'Canceled' OR ExecutionStatus = 'Terminated'", (f) => f.rec.status === 4 || f.rec.status === 5],
      ["StartTime >= '2024-01-01T05:00:00Z'", (f) => f.i >= 5],
      ["StartTime < '2024-01-01T03:00:00+00:00'", (f) => f.i < 3],
      ["StartTime BETWEEN '2024-01-01T02:00:00Z' AND '2024-01-01T04:00:00Z'", (f) => f.i >= 2 && f.i <= 4],
      ["StartTime NOT BETWEEN '2024-01-01T02:00:00Z' AND '2024-01-01T04:00:00Z'", (f) => f.i < 2 || f.i > 4],
      ["StartTime = '2024-01-01T06:00:00.000Z'", (f) => f.i === 6],
      ["StartTime <= '2024-01-01T07:00:00+01:00'", (f) => f.i <= 6],
      ["ExecutionTime > '2024-01-01T03:00:00Z' AND ExecutionTime < '2024-01-01T04:00:00Z'", (f) => f.i === 3],
      ["CloseTime > '2024-01-01T05:00:00Z'", (f) => f.rec.closeTime !== null && f.rec.closeTime.getTime() > T0 + 5 * HOUR],
      ['CloseTime IS NULL', (f) => f.rec.closeTime === null],
      ['CloseTime IS NOT NULL', (f) => f.rec.closeTime !== null],
      ['HistoryLength >= 18', (f) => f.rec.historyLength >= 18],
      ["ExecutionDuration > '5m'", (f) => f.rec.closeTime !== null && f.rec.closeTime.getTime() - f.rec.executionTime.getTime() > 5 * 60_000],
      ["ParentWorkflowId = 'wf-00'", (f) => f.i === 4],
      ['ParentWorkflowId IS NULL', (f) => f.i !== 4],
      ["CustomKeyword = 'kw-1'", (f) => f.sa?.kw === 'kw-1'],
      ["CustomKeyword != 'kw-1'", (f) => !!f.sa && f.sa.kw !== 'kw-1'],
      ["CustomKeyword IN ('kw-0', 'kw-2')", (f) => !!f.sa && f.sa.kw !== 'kw-1'],
      ["CustomKeyword NOT IN ('kw-0')", (f) => !!f.sa && f.sa.kw !== 'kw-0'],
      ["CustomKeyword STARTS_WITH 'kw-'", (f) => !!f.sa],
      ["CustomKeyword >= 'kw-1'", (f) => !!f.sa && f.sa.kw >= 'kw-1'],
      ['CustomKeyword IS NULL', (f) => !f.sa],
      ["CustomText = 'quick'", (f) => !!f.sa && /quick/i.test(f.sa.text)],
      ["CustomText = 'FOX bear'", (f) => !!f.sa && /fox|bear/i.test(f.sa.text)],
      ["CustomText != 'brown'", (f) => !!f.sa && !/brown/i.test(f.sa.text)],
      ['CustomInt = 30', (f) => f.sa?.int === 30],
      ['CustomInt != 30', (f) => !!f.sa && f.sa.int !== 30],
      ['CustomInt > 50', (f) => !!f.sa && f.sa.int > 50],
      ['CustomInt <= 20', (f) => !!f.sa && f.sa.int <= 20],
      ['CustomInt BETWEEN 20 AND 40', (f) => !!f.sa && f.sa.int >= 20 && f.sa.int <= 40],
      ['CustomInt IN (10, 70, 1000)', (f) => f.sa?.int === 10 || f.sa?.int === 70],
      ['CustomDouble = 2.5', (f) => f.sa?.dbl === 2.5],
      ['CustomDouble < 3', (f) => !!f.sa && f.sa.dbl < 3],
      ['CustomDouble >= 9.5', (f) => !!f.sa && f.sa.dbl >= 9.5],
      ['CustomDouble > 1e1', (f) => !!f.sa && f.sa.dbl > 10],
      ['CustomBool = true', (f) => f.sa?.bool === true],
      ['CustomBool = FALSE', (f) => f.sa?.bool === false],
      ["CustomBool != 'true'", (f) => f.sa?.bool === false],
      ["CustomDatetime >= '2024-01-05T00:00:00Z'", (f) => !!f.sa && f.sa.dt.getTime() >= T0 + 4 * DAY],
      ["CustomDatetime = '2024-01-03T00:00:00Z'", (f) => f.i === 2],
      ["CustomDatetime BETWEEN '2024-01-02T00:00:00Z' AND '2024-01-04T12:00:00Z'", (f) => !!f.sa && f.i >= 1 && f.i <= 3],
      ["CustomKeywordList = 'tag-1'", (f) => !!f.sa?.list.includes('tag-1')],
      ["CustomKeywordList != 'tag-1'", (f) => !!f.sa && !f.sa.list.includes('tag-1')],
      ["CustomKeywordList IN ('grp-2', 'nope')", (f) => !!f.sa?.list.includes('grp-2')],
      ["CustomKeywordList NOT IN ('grp-2', 'grp-1')", (f) => !!f.sa && !f.sa.list.includes('grp-2') && !f.sa.list.includes('grp-1')],
      ["CustomKeywordList = 'tag-0' AND CustomKeywordList = 'grp-0'", (f) => f.i % 6 === 0 && !!f.sa],
      ['CustomKeywordList IS NOT NULL', (f) => !!f.sa],
      ["(WorkflowType = 'OrderWorkflow' OR CustomInt > 80) AND TaskQueue = 'tq-b'", (f) => (f.i % 2 === 0 || (!!f.sa && f.sa.int > 80)) && f.i >= 6],
      ["WorkflowType = 'OrderWorkflow' OR CustomInt > 80 AND TaskQueue = 'tq-b'", (f) => f.i % 2 === 0 || (!!f.sa && f.sa.int > 80 && f.i >= 6)],
      ["NOT (ExecutionStatus = 'Running' OR CustomBool = true)", (f) => f.rec.status !== 1 && f.sa?.bool === false],
      ['NOT CustomInt > 50', (f) => !!f.sa && f.sa.int <= 50],
      ["NOT CustomKeywordList = 'tag-1'", (f) => !!f.sa && !f.sa.list.includes('tag-1')],
      ["NOT (CustomText = 'quick')", (f) => !!f.sa && !/quick/i.test(f.sa.text)],
      ["NOT CustomKeyword IN ('kw-0')", (f) => !!f.sa && f.sa.kw !== 'kw-0'],
      ["NOT CustomKeyword NOT IN ('kw-0')", (f) => f.sa?.kw === 'kw-0'],
      ["NOT WorkflowId STARTS_WITH 'wf-1'", (f) => f.i < 10],
      ['NOT CloseTime IS NULL', (f) => f.rec.closeTime !== null],
      ["NOT (WorkflowType = 'OrderWorkflow' AND CustomBool = true)", (f) => f.i % 2 !== 0 || f.sa?.bool === false],
      ["NOT NOT CustomKeyword = 'kw-1'", (f) => f.sa?.kw === 'kw-1'],
    ];

    it.each(cases)('%s', async (query, pred) => {
      expect(await ids(query)).toEqual(expected(pred));
      expect((await count(query)).count).toBe(expected(pred).length);
    });

    it('attribute names are case-sensitive like Temporal, keywords are not', async () => {
      const err = await rpcError(ids("workflowtype = 'OrderWorkflow'"));
      expect(err.message).toBe("invalid query at position 0: column name 'workflowtype' is not a valid search attribute");
      expect(await ids("CustomKeyword = 'kw-2' and WorkflowType = 'OrderWorkflow'")).toEqual(expected((f) => f.sa?.kw === 'kw-2' && f.i % 2 === 0));
    });
  });

  describe('ordering and paging', () => {
    const pages = async (query: string, pageSize: number) => {
      const out: string[][] = [];
      let token: Uint8Array | undefined;
      do {
        const res = await list(query, pageSize, token);
        out.push(res.executions.map((e) => e.execution.workflowId));
        token = res.nextPageToken.length > 0 ? res.nextPageToken : undefined;
      } while (token && out.length < 20);
      return out;
    };

    it('pages through the default order (StartTime DESC) without gaps or repeats', async () => {
      const p = await pages('', 5);
      expect(p.map((x) => x.length)).toEqual([5, 5, 2]);
      expect(p.flat()).toEqual(expected(() => true));
    });

    it('returns no token when the last page is exactly full', async () => {
      const p = await pages("TaskQueue = 'tq-a'", 3);
      expect(p.map((x) => x.length)).toEqual([3, 3]);
      expect(p.flat()).toEqual(expected((f) => f.i < 6));
    });

    it('orders by custom and system attributes, NULLs last, RunId as tiebreak, across pages', async () => {
      const byInt = (await pages('ORDER BY CustomInt DESC', 4)).flat();
      expect(byInt).toEqual([...FIXTURES.filter((f) => f.sa).sort((a, b) => b.sa!.int - a.sa!.int), FIXTURES[11]].map((f) => f.rec.workflowId));
      const byKw = (await pages("WorkflowType = 'OrderWorkflow' ORDER BY CustomKeyword, StartTime ASC", 2)).flat();
      const want = FIXTURES.filter((f) => f.i % 2 === 0)
        .sort((a, b) => a.sa!.kw.localeCompare(b.sa!.kw) || a.i - b.i)
        .map((f) => f.rec.workflowId);
      expect(byKw).toEqual(want);
      const byClose = (await pages('ORDER BY CloseTime DESC', 3)).flat();
      const closed = FIXTURES.filter((f) => f.rec.closeTime).sort((a, b) => b.rec.closeTime!.getTime() - a.rec.closeTime!.getTime());
      const running = FIXTURES.filter((f) => !f.rec.closeTime).sort((a, b) => a.rec.runId.localeCompare(b.rec.runId));
      expect(byClose).toEqual([...closed, ...running].map((f) => f.rec.workflowId));
      const byStatus = (await pages('ORDER BY ExecutionStatus ASC, WorkflowId DESC', 5)).flat();
      expect(byStatus).toEqual([...FIXTURES].sort((a, b) => a.rec.status - b.rec.status || b.i - a.i).map((f) => f.rec.workflowId));
    });

    it('ScanWorkflowExecutions answers like ListWorkflowExecutions', async () => {
      const res = (await h.workflowService.ScanWorkflowExecutions(
        ws.ScanWorkflowExecutionsRequest.create({ namespace: 'default', query: "ExecutionStatus = 'Completed'" }),
        signal,
      )) as { executions: { execution: { workflowId: string } }[] };
      expect(res.executions.map((e) => e.execution.workflowId)).toEqual(expected((f) => f.rec.status === 2));
    });

    it('rejects a token from another ORDER BY or a garbage token', async () => {
      const first = await list('', 2);
      const err = await rpcError(list('ORDER BY WorkflowId', 2, first.nextPageToken));
      expect([err.status, err.code]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'VISIBILITY_INVALID_PAGE_TOKEN']);
      const garbage = await rpcError(list('', 2, Buffer.from('not json')));
      expect(garbage.code).toBe('VISIBILITY_INVALID_PAGE_TOKEN');
    });
  });

  describe('count', () => {
    it('counts all, filtered, and grouped by ExecutionStatus', async () => {
      expect(await count('')).toEqual({ count: 12, groups: [] });
      expect((await count("CustomKeywordList = 'tag-0'")).count).toBe(expected((f) => !!f.sa?.list.includes('tag-0')).length);
      const grouped = await count('GROUP BY ExecutionStatus');
      expect(grouped.count).toBe(12);
      const byName = Object.fromEntries(
        grouped.groups.map((g) => [JSON.parse(Buffer.from(g.groupValues[0].data!).toString()), g.count]),
      );
      expect(byName).toEqual({ Completed: 3, Running: 2, Failed: 2, Canceled: 2, Terminated: 1, ContinuedAsNew: 1, TimedOut: 1 });
      expect(grouped.groups[0].count).toBe(3);
      expect(Buffer.from(grouped.groups[0].groupValues[0].metadata!.type!).toString()).toBe('Keyword');
      const filtered = await count("TaskQueue = 'tq-a' GROUP BY ExecutionStatus");
      expect(filtered.count).toBe(6);
    });
  });

  describe('responses and records', () => {
    it('returns execution info with typed search attributes the SDK decodes, memo, parent and durations', async () => {
      const res = await list("WorkflowId IN ('wf-01', 'wf-04', 'wf-11')");
      const [e11, e4, e1] = res.executions as unknown as temporal.api.workflow.v1.IWorkflowExecutionInfo[];
      const decoded = decodeTypedSearchAttributes(e4.searchAttributes!.indexedFields!);
      expect(decoded.get(keys.kw)).toBe('kw-1');
      expect(decoded.get(keys.text)).toBe(TEXTS[0]);
      expect(decoded.get(keys.int)).toBe(40);
      expect(decoded.get(keys.dbl)).toBe(4.5);
      expect(decoded.get(keys.bool)).toBe(true);
      expect(decoded.get(keys.dt)).toEqual(new Date(T0 + 4 * DAY));
      expect(decoded.get(keys.list)).toEqual(['tag-0', 'grp-1']);
      expect(e4.parentExecution).toEqual({ workflowId: 'wf-00', runId: 'run-00' });
      expect(e4.parentNamespaceId).toBe('ns-default');
      expect(e4.rootExecution).toBeNull();
      expect(e4.taskQueue).toBe('tq-a');
      expect(e4.historyLength).toBe(14);
      expect(e4.status).toBe(Status.WORKFLOW_EXECUTION_STATUS_TERMINATED);
      expect(Number(e4.startTime!.seconds)).toBe((T0 + 4 * HOUR) / 1000);
      expect(Number(e4.closeTime!.seconds)).toBe((T0 + 4 * HOUR + 5 * 60_000) / 1000);
      expect(Number(e4.executionDuration!.seconds)).toBe(300);
      expect(e11.searchAttributes!.indexedFields).toEqual({});
      expect(e11.closeTime).not.toBeNull();
      expect(e11.rootExecution).toEqual({ workflowId: 'wf-11', runId: 'run-11' });
      const memo = e1.memo as temporal.api.common.v1.IMemo;
      expect(Buffer.from(memo.fields!.note.data!).toString()).toBe('"hi"');
      expect(e1.type).toEqual({ name: 'RefundWorkflow' });
      // The response encodes as the proto message.
      const bytes = ws.ListWorkflowExecutionsResponse.encode(ws.ListWorkflowExecutionsResponse.fromObject(res)).finish();
      const back = ws.ListWorkflowExecutionsResponse.decode(bytes);
      expect(back.executions.map((x) => x.execution!.workflowId)).toEqual(['wf-11', 'wf-04', 'wf-01']);
    });

    it('upserts by run id (close, search attribute change) and deletes', async () => {
      const f = fixture(20);
      await recordVisibility(scratch.db, { ...f.rec, status: Status.WORKFLOW_EXECUTION_STATUS_RUNNING, closeTime: null });
      expect(await ids("WorkflowId = 'wf-20' AND ExecutionStatus = 'Running'")).toEqual(['wf-20']);
      const payloads = encodeUnifiedSearchAttributes(undefined, [{ key: keys.kw, value: 'changed' }]);
      await recordVisibility(scratch.db, { ...f.rec, searchAttributes: payloads as VisibilityRecord['searchAttributes'] });
      expect(await ids("WorkflowId = 'wf-20' AND ExecutionStatus = 'Running'")).toEqual([]);
      expect(await ids("CustomKeyword = 'changed'")).toEqual(['wf-20']);
      expect(await ids("WorkflowId = 'wf-20' AND CustomInt IS NULL")).toEqual(['wf-20']);
      await scratch.db.transaction((tx) => deleteVisibility(tx, 'ns-default', f.rec.runId));
      expect(await ids("WorkflowId = 'wf-20'")).toEqual([]);
    });

    it('accepts legacy untyped payloads and unset (null) attributes, typed by the registry', async () => {
      const legacy = encodeUnifiedSearchAttributes({ CustomInt: [777], CustomKeywordList: ['solo'], CustomDatetime: [new Date(T0)] }, undefined);
      const withNull = { ...legacy, ...encodeUnifiedSearchAttributes(undefined, [{ key: keys.kw, value: null as unknown as string }]) };
      await recordVisibility(scratch.db, { ...fixture(30).rec, searchAttributes: withNull as VisibilityRecord['searchAttributes'] });
      expect(await ids("CustomInt = 777 AND CustomKeywordList = 'solo' AND CustomDatetime = '2024-01-01T00:00:00Z'")).toEqual(['wf-30']);
      expect(await ids("WorkflowId = 'wf-30' AND CustomKeyword IS NULL")).toEqual(['wf-30']);
      await deleteVisibility(scratch.db, 'ns-default', 'run-30');
    });

    it('validateSearchAttributes rejects unregistered attributes and values of the wrong type', async () => {
      const unknownKey = defineSearchAttributeKey('NotRegistered', SearchAttributeType.KEYWORD);
      const p1 = encodeUnifiedSearchAttributes(undefined, [{ key: unknownKey, value: 'x' }]) as VisibilityRecord['searchAttributes'];
      const e1 = await rpcError(validateSearchAttributes(scratch.db, 'ns-default', p1));
      expect([e1.status, e1.code, e1.message]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'SEARCH_ATTRIBUTE_INVALID_VALUE', 'search attribute NotRegistered is not defined']);
      const p2 = encodeUnifiedSearchAttributes({ CustomInt: ['abc'] }, undefined) as VisibilityRecord['searchAttributes'];
      const e2 = await rpcError(validateSearchAttributes(scratch.db, 'ns-default', p2));
      expect(e2.message).toBe('invalid value for search attribute CustomInt of type Int: ["abc"]');
      const ok = encodeUnifiedSearchAttributes(undefined, [{ key: keys.int, value: 1 }]) as VisibilityRecord['searchAttributes'];
      await expect(validateSearchAttributes(scratch.db, 'ns-default', ok)).resolves.toBeUndefined();
    });
  });

  describe('errors', () => {
    it('answers malformed and invalid queries with INVALID_ARGUMENT and the position', async () => {
      const e1 = await rpcError(list("WorkflowType = 'x' AND ExecutionStatus ="));
      expect([e1.status, e1.code, e1.message]).toEqual([
        GrpcStatus.INVALID_ARGUMENT,
        'VISIBILITY_QUERY_SYNTAX',
        "invalid query at position 40: expected a value after '='",
      ]);
      const e2 = await rpcError(count("CustomMissing = 'x'"));
      expect([e2.status, e2.code, e2.message]).toEqual([
        GrpcStatus.INVALID_ARGUMENT,
        'VISIBILITY_QUERY_INVALID',
        "invalid query at position 0: column name 'CustomMissing' is not a valid search attribute",
      ]);
    });

    it('requires a known namespace', async () => {
      const e1 = await rpcError(list('', 0, undefined, ''));
      expect([e1.status, e1.message]).toEqual([GrpcStatus.INVALID_ARGUMENT, 'Namespace not set on request.']);
      const e2 = await rpcError(list('', 0, undefined, 'missing'));
      expect(e2.code).toBe('NAMESPACE_NOT_FOUND');
    });

    it('keeps namespaces apart', async () => {
      const other = await list('', 0, undefined, 'other');
      expect(other.executions.map((e) => e.execution.workflowId)).toEqual(['wf-02', 'wf-01', 'wf-00']);
      const e = await rpcError(list("CustomInt = 1", 0, undefined, 'other'));
      expect(e.code).toBe('VISIBILITY_QUERY_INVALID');
    });
  });
});

describe('durability', () => {
  it('keeps search attributes and records across a PGlite restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vis-durable-'));
    try {
      const first = await openScratchPglite(dir);
      const h1 = createVisibilityHandlers({ db: first.db, resolveNamespace });
      await h1.operatorService.AddSearchAttributes(
        ops.AddSearchAttributesRequest.create({ namespace: 'default', searchAttributes: { CustomInt: VT.INDEXED_VALUE_TYPE_INT } }),
        new AbortController().signal,
      );
      await recordVisibility(first.db, fixture(5).rec);
      await first.close();
      const second = await openScratchPglite(dir);
      const h2 = createVisibilityHandlers({ db: second.db, resolveNamespace });
      const res = (await h2.workflowService.ListWorkflowExecutions(
        ws.ListWorkflowExecutionsRequest.create({ namespace: 'default', query: 'CustomInt = 50' }),
        new AbortController().signal,
      )) as { executions: { execution: { workflowId: string } }[] };
      expect(res.executions.map((e) => e.execution.workflowId)).toEqual(['wf-05']);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
