/**
 * End-to-end visibility through the real SDK against the development server (in-memory PGlite, or a
 * scratch database on the Postgres server of DATABASE_URL when it is set):
 * search attributes registered through the OperatorService, workflows started with typed search
 * attributes, `client.workflow.list({ query })` and `client.workflow.count(query)`.
 * Most runs need no worker (they stay Running until the test terminates some); one workflow, written to a
 * temporary file and bundled at test time, upserts search attributes from workflow code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, WorkflowExecutionInfo } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { startDevServer, type DevServer } from '../../devserver';
import { temporal } from '../../devserver/visibility/proto';
import { createScratchPostgresDatabase } from '../../devserver/visibility/scratch-database';
import { setTimeout as sleep } from 'node:timers/promises';

const VT = temporal.api.enums.v1.IndexedValueType;
const keys = {
  customer: defineSearchAttributeKey('E2eCustomer', SearchAttributeType.KEYWORD),
  amount: defineSearchAttributeKey('E2eAmount', SearchAttributeType.INT),
  score: defineSearchAttributeKey('E2eScore', SearchAttributeType.DOUBLE),
  urgent: defineSearchAttributeKey('E2eUrgent', SearchAttributeType.BOOL),
  due: defineSearchAttributeKey('E2eDue', SearchAttributeType.DATETIME),
  tags: defineSearchAttributeKey('E2eTags', SearchAttributeType.KEYWORD_LIST),
  note: defineSearchAttributeKey('E2eNote', SearchAttributeType.TEXT),
};
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe('visibility through the SDK', () => {
  let server: DevServer;
  let connection: Connection;
  let client: Client;
  let dropDatabase = async () => {};
  const started: { id: string; i: number }[] = [];

  const ids = async (query: string) => {
    const out: string[] = [];
    for await (const wf of client.workflow.list({ query, pageSize: 3 })) out.push(wf.workflowId);
    return out;
  };

  beforeAll(async () => {
    let db = ':memory:';
    if (process.env.DATABASE_URL) {
      const scratch = await createScratchPostgresDatabase(process.env.DATABASE_URL, 'vis_e2e');
      db = scratch.url;
      dropDatabase = scratch.drop;
    }
    server = await startDevServer({ port: 0, db, logger: quiet, longPollTimeoutMs: 1000 });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection, namespace: 'default' });
    await connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: {
        E2eCustomer: VT.INDEXED_VALUE_TYPE_KEYWORD,
        E2eAmount: VT.INDEXED_VALUE_TYPE_INT,
        E2eScore: VT.INDEXED_VALUE_TYPE_DOUBLE,
        E2eUrgent: VT.INDEXED_VALUE_TYPE_BOOL,
        E2eDue: VT.INDEXED_VALUE_TYPE_DATETIME,
        E2eTags: VT.INDEXED_VALUE_TYPE_KEYWORD_LIST,
        E2eNote: VT.INDEXED_VALUE_TYPE_TEXT,
      },
    });
    for (let i = 0; i < 8; i++) {
      const id = `e2e-vis-${i}`;
      await client.workflow.start('visibilityProbe', {
        workflowId: id,
        taskQueue: i < 4 ? 'vis-a' : 'vis-b',
        typedSearchAttributes: [
          { key: keys.customer, value: `cust-${i % 3}` },
          { key: keys.amount, value: i * 100 },
          { key: keys.score, value: i / 4 },
          { key: keys.urgent, value: i % 2 === 0 },
          { key: keys.due, value: new Date(Date.UTC(2025, 0, 1 + i)) },
          { key: keys.tags, value: [`t${i % 2}`, 'all'] },
          { key: keys.note, value: i % 2 === 0 ? 'Birth registration request' : 'Residence change' },
        ],
        memo: { index: i },
      });
      started.push({ id, i });
      await sleep(5); // distinct start times: the default order is StartTime DESC
    }
    for (const i of [1, 5]) await client.workflow.getHandle(`e2e-vis-${i}`).terminate('test');
  });

  afterAll(async () => {
    await connection?.close();
    await server?.stop();
    await dropDatabase();
  });

  it('lists the search attributes registered through the OperatorService', async () => {
    const res = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(res.customAttributes).toMatchObject({ E2eCustomer: VT.INDEXED_VALUE_TYPE_KEYWORD, E2eTags: VT.INDEXED_VALUE_TYPE_KEYWORD_LIST });
    expect(res.systemAttributes).toMatchObject({ WorkflowId: VT.INDEXED_VALUE_TYPE_KEYWORD, StartTime: VT.INDEXED_VALUE_TYPE_DATETIME });
    const all = await connection.workflowService.getSearchAttributes({});
    expect(all.keys).toMatchObject({ E2eAmount: VT.INDEXED_VALUE_TYPE_INT, ExecutionStatus: VT.INDEXED_VALUE_TYPE_KEYWORD });
  });

  it('lists by custom attributes of every type, newest first, across pages', async () => {
    expect(await ids("WorkflowId STARTS_WITH 'e2e-vis-'")).toEqual(started.map((s) => s.id).reverse());
    expect(await ids("E2eCustomer = 'cust-1'")).toEqual(['e2e-vis-7', 'e2e-vis-4', 'e2e-vis-1']);
    expect(await ids('E2eAmount >= 300 AND E2eAmount < 600')).toEqual(['e2e-vis-5', 'e2e-vis-4', 'e2e-vis-3']);
    expect(await ids('E2eScore BETWEEN 0.5 AND 1')).toEqual(['e2e-vis-4', 'e2e-vis-3', 'e2e-vis-2']);
    expect(await ids("E2eUrgent = true AND TaskQueue = 'vis-b'")).toEqual(['e2e-vis-6', 'e2e-vis-4']);
    expect(await ids("E2eDue > '2025-01-06T00:00:00Z'")).toEqual(['e2e-vis-7', 'e2e-vis-6']);
    expect(await ids("E2eTags = 't1' AND E2eTags IN ('all')")).toEqual(['e2e-vis-7', 'e2e-vis-5', 'e2e-vis-3', 'e2e-vis-1']);
    expect(await ids("E2eNote = 'REGISTRATION'")).toEqual(['e2e-vis-6', 'e2e-vis-4', 'e2e-vis-2', 'e2e-vis-0']);
    expect(await ids("ExecutionStatus = 'Terminated'")).toEqual(['e2e-vis-5', 'e2e-vis-1']);
    expect(await ids("ExecutionStatus = 'Running' AND (E2eCustomer = 'cust-0' OR E2eAmount = 700) ORDER BY E2eAmount ASC")).toEqual([
      'e2e-vis-0',
      'e2e-vis-3',
      'e2e-vis-6',
      'e2e-vis-7',
    ]);
  });

  it('returns execution info the SDK decodes, with typed search attributes and memo', async () => {
    const infos: WorkflowExecutionInfo[] = [];
    for await (const wf of client.workflow.list({ query: "WorkflowId = 'e2e-vis-5'" })) infos.push(wf);
    expect(infos).toHaveLength(1);
    const [info] = infos;
    expect(info.type).toBe('visibilityProbe');
    expect(info.taskQueue).toBe('vis-b');
    expect(info.status.name).toBe('TERMINATED');
    expect(info.closeTime).toBeInstanceOf(Date);
    expect(info.memo).toEqual({ index: 5 });
    expect(info.typedSearchAttributes.get(keys.customer)).toBe('cust-2');
    expect(info.typedSearchAttributes.get(keys.amount)).toBe(500);
    expect(info.typedSearchAttributes.get(keys.score)).toBe(1.25);
    expect(info.typedSearchAttributes.get(keys.urgent)).toBe(false);
    expect(info.typedSearchAttributes.get(keys.due)).toEqual(new Date(Date.UTC(2025, 0, 6)));
    expect(info.typedSearchAttributes.get(keys.tags)).toEqual(['t1', 'all']);
    expect(info.typedSearchAttributes.get(keys.note)).toBe('Residence change');
  });

  it('counts, with and without GROUP BY ExecutionStatus', async () => {
    expect(await client.workflow.count("WorkflowId STARTS_WITH 'e2e-vis-'")).toEqual({ count: 8, groups: [] });
    expect((await client.workflow.count("E2eUrgent = false AND ExecutionStatus = 'Running'")).count).toBe(2);
    const grouped = await client.workflow.count("WorkflowId STARTS_WITH 'e2e-vis-' GROUP BY ExecutionStatus");
    expect(grouped.count).toBe(8);
    expect(grouped.groups).toEqual([
      { count: 6, groupValues: [['Running']] },
      { count: 2, groupValues: [['Terminated']] },
    ]);
  });

  it('answers a malformed query and an unknown attribute with INVALID_ARGUMENT', async () => {
    const fail = async (query: string) => {
      try {
        await client.workflow.count(query);
      } catch (e) {
        return e as { code?: number; message: string; cause?: { code?: number; details?: string } };
      }
      throw new Error('expected failure');
    };
    const malformed = await fail('ExecutionStatus =');
    const grpc1 = (malformed.cause ?? malformed) as { code?: number; details?: string };
    expect(grpc1.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(grpc1.details).toBe("invalid query at position 17: expected a value after '='");
    const unknown = await fail("NoSuchAttribute = 'x'");
    const grpc2 = (unknown.cause ?? unknown) as { code?: number; details?: string };
    expect(grpc2.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(grpc2.details).toContain("'NoSuchAttribute' is not a valid search attribute");
  });

  it('reflects search attributes upserted by workflow code once the run completes', async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      /* installed by another suite in this process */
    }
    const dir = mkdtempSync(join(tmpdir(), 'vis-e2e-wf-'));
    const workflowsPath = join(dir, 'workflows.js');
    writeFileSync(
      workflowsPath,
      `import { upsertSearchAttributes } from '@temporalio/workflow';
export async function visibilityUpsert(amount) {
  upsertSearchAttributes([
    { key: { name: 'E2eAmount', type: 'INT' }, value: amount },
    { key: { name: 'E2eTags', type: 'KEYWORD_LIST' }, value: ['upserted', 'twice'] },
    { key: { name: 'E2eNote', type: 'TEXT' }, value: null },
  ]);
  return 'ok';
}
`,
    );
    const native = await NativeConnection.connect({ address: server.address });
    try {
      const worker = await Worker.create({
        connection: native,
        taskQueue: 'vis-worker',
        workflowsPath,
        bundlerOptions: {
          webpackConfigHook: (config) => ({
            ...config,
            resolve: { ...config.resolve, modules: [resolve('node_modules'), 'node_modules'] },
          }),
        },
      });
      const result = await worker.runUntil(
        client.workflow.execute('visibilityUpsert', {
          workflowId: 'e2e-vis-worker',
          taskQueue: 'vis-worker',
          args: [4242],
          typedSearchAttributes: [
            { key: keys.customer, value: 'cust-w' },
            { key: keys.note, value: 'to be removed' },
          ],
        }),
      );
      expect(result).toBe('ok');
    } finally {
      await native.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await ids("E2eTags = 'upserted' AND E2eCustomer = 'cust-w' AND ExecutionStatus = 'Completed'")).toEqual(['e2e-vis-worker']);
    expect(await ids("E2eAmount = 4242 AND E2eNote IS NULL AND WorkflowType = 'visibilityProbe'")).toEqual([]);
    expect(await ids("E2eAmount = 4242 AND E2eNote IS NULL AND WorkflowType = 'visibilityUpsert'")).toEqual(['e2e-vis-worker']);
    const infos: WorkflowExecutionInfo[] = [];
    for await (const wf of client.workflow.list({ query: "WorkflowId = 'e2e-vis-worker'" })) infos.push(wf);
    const [info] = infos;
    expect(info.typedSearchAttributes.get(keys.tags)).toEqual(['upserted', 'twice']);
    expect(info.typedSearchAttributes.get(keys.amount)).toBe(4242);
    expect(info.historyLength).toBeGreaterThan(3);
  });
});
