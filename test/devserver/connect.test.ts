/** Point 1: GetSystemInfo, namespaces, UNIMPLEMENTED, error statuses; no request crashes the server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { Client, Connection, NamespaceNotFoundError } from '@temporalio/client';
import protoRoot from '@temporalio/proto';
import { startDevServer, type DevServer } from '../../devserver/index';
import { freshDatabase } from './helpers';

 
const proto = protoRoot as any;

let server: DevServer;
let connection: Connection;
let drop: () => Promise<void>;

beforeAll(async () => {
  const database = await freshDatabase('connect');
  drop = database.drop;
  server = await startDevServer({ db: database.db, port: 0, longPollTimeoutMs: 300, logger: { info() {}, warn() {}, error() {} } });
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
  await drop?.();
});

async function grpcError(p: Promise<unknown>): Promise<{ code: number; details: string; metadata: { get(k: string): unknown[] } }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected an error');
}

describe('connect', () => {
  it('GetSystemInfo advertises the capabilities the SDK checks', async () => {
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBeTruthy();
    expect(info.capabilities?.signalAndQueryHeader).toBe(true);
    expect(info.capabilities?.internalErrorDifferentiation).toBe(true);
    expect(info.capabilities?.activityFailureIncludeHeartbeat).toBe(true);
    expect(info.capabilities?.encodedFailureAttributes).toBe(true);
    expect(info.capabilities?.sdkMetadata).toBe(true);
    expect(info.capabilities?.upsertMemo).toBe(true);
  });

  it('has a default namespace; describe/list/register work', async () => {
    const d = await connection.workflowService.describeNamespace({ namespace: 'default' });
    expect(d.namespaceInfo?.name).toBe('default');
    expect(d.namespaceInfo?.capabilities?.syncUpdate).toBe(true);
    await connection.workflowService.registerNamespace({ namespace: 'other-ns', workflowExecutionRetentionPeriod: { seconds: 3600 as never } });
    const list = await connection.workflowService.listNamespaces({});
    expect(list.namespaces.map((n) => n.namespaceInfo?.name)).toEqual(expect.arrayContaining(['default', 'other-ns']));
    const again = await grpcError(connection.workflowService.registerNamespace({ namespace: 'other-ns' }));
    expect(again.code).toBe(status.ALREADY_EXISTS);
    const byId = await connection.workflowService.describeNamespace({ id: d.namespaceInfo!.id! });
    expect(byId.namespaceInfo?.name).toBe('default');
  });

  it('unknown namespace → NOT_FOUND with NamespaceNotFoundFailure', async () => {
    const err = await grpcError(connection.workflowService.describeNamespace({ namespace: 'nope' }));
    expect(err.code).toBe(status.NOT_FOUND);
    const bin = err.metadata.get('grpc-status-details-bin')[0] as Buffer;
    const st = proto.google.rpc.Status.decode(bin);
    expect(st.details[0].type_url).toBe('type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure');
    const client = new Client({ connection, namespace: 'nope' });
    await expect(client.workflow.start('x', { taskQueue: 'q', workflowId: 'w' })).rejects.toBeInstanceOf(NamespaceNotFoundError);
  });

  it('unimplemented RPCs answer UNIMPLEMENTED naming the method', async () => {
    // (Schedules are implemented now; batch operations are not.)
    const err = await grpcError(connection.workflowService.startBatchOperation({ namespace: 'default', jobId: 'j' }));
    expect(err.code).toBe(status.UNIMPLEMENTED);
    expect(err.details).toContain('StartBatchOperation');
    const op = await grpcError(connection.operatorService.listClusters({}));
    expect(op.code).toBe(status.UNIMPLEMENTED);
    expect(op.details).toContain('ListClusters');
  });

  it('bad requests are answered with errors, never a crash', async () => {
    const noId = await grpcError(
      connection.workflowService.startWorkflowExecution({ namespace: 'default', workflowType: { name: 'x' }, taskQueue: { name: 'q' } }),
    );
    expect(noId.code).toBe(status.INVALID_ARGUMENT);
    const garbage = await grpcError(connection.workflowService.respondActivityTaskCompleted({ namespace: 'default', taskToken: Buffer.from('garbage') }));
    expect(garbage.code).toBe(status.INVALID_ARGUMENT);
    const stale = Buffer.from(JSON.stringify({ k: 'a', ns: 'x', wf: 'w', run: '00000000-0000-0000-0000-000000000000', sched: 5, att: 1, aid: '1' }));
    const staleErr = await grpcError(connection.workflowService.respondActivityTaskCompleted({ namespace: 'default', taskToken: stale }));
    expect(staleErr.code).toBe(status.NOT_FOUND);
    const wfTok = Buffer.from(JSON.stringify({ k: 'w', ns: 'x', wf: 'w', run: 'not-a-uuid', sched: 2, att: 1 }));
    const badRun = await grpcError(connection.workflowService.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: wfTok }));
    expect(badRun.code).toBe(status.INVALID_ARGUMENT); // Temporal's frontend: 'Invalid RunId.'
    const missing = await grpcError(
      connection.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'missing' } }),
    );
    expect(missing.code).toBe(status.NOT_FOUND);
    // Still alive.
    const info = await connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toBeTruthy();
  });

  it('an empty long poll answers empty when the poll window ends', async () => {
    const t = Date.now();
    const res = await connection.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: 'idle-queue' } });
    expect(res.taskToken?.length ?? 0).toBe(0);
    expect(Date.now() - t).toBeGreaterThanOrEqual(250);
    const act = await connection.workflowService.pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: 'idle-queue' } });
    expect(act.taskToken?.length ?? 0).toBe(0);
  });
});
