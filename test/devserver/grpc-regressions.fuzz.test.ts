/**
 * Counterexamples the gRPC fuzzer (test/devserver/grpc-server.fuzz.test.ts) found, kept as named regressions, through the
 * SDK's own client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { startDevServer, type DevServer } from '../../devserver/index';
import { freshDatabase, grpcCode } from './helpers';

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;

let server: DevServer;
let connection: Connection;
let drop: () => Promise<void>;
const errors: string[] = [];

beforeAll(async () => {
  const database = await freshDatabase('grpc-regressions');
  drop = database.drop;
  server = await startDevServer({ db: database.db, port: 0, logger: { info() {}, warn() {}, error: (m: string) => errors.push(m) } });
  connection = await Connection.connect({ address: server.address });
});
afterAll(async () => {
  await connection?.close();
  await server?.stop();
  await drop?.();
});

describe('gRPC fuzz regressions', () => {
  it('seed 192026 #36: PollWorkflowExecutionUpdate naming a run id that is not a UUID is INVALID_ARGUMENT "Invalid RunId." (was INTERNAL)', async () => {
    const answer = await grpcCode(
      connection.workflowService.pollWorkflowExecutionUpdate({
        namespace: 'default',
        updateRef: { workflowExecution: { workflowId: 'WorkflowId = "x" AND', runId: "'RLg7" }, updateId: 'fuzzWorkflow' },
        identity: '6ae67a1d-c487-4c55-a51a-6d8d901b4f14',
        waitPolicy: { lifecycleStage: 3 },
      }),
    );
    expect(answer).toEqual({ code: INVALID_ARGUMENT, details: 'Invalid RunId.' });
  });

  it('every request naming a malformed run id is refused the same way, before any lookup', async () => {
    const execution = { workflowId: 'w', runId: 'not-a-uuid' };
    for (const call of [
      connection.workflowService.describeWorkflowExecution({ namespace: 'default', execution }),
      connection.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution }),
      connection.workflowService.signalWorkflowExecution({ namespace: 'default', workflowExecution: execution, signalName: 's' }),
      connection.workflowService.terminateWorkflowExecution({ namespace: 'default', workflowExecution: execution, firstExecutionRunId: 'x' }),
      connection.workflowService.respondActivityTaskCompletedById({ namespace: 'default', workflowId: 'w', runId: 'nope', activityId: 'a' }),
    ]) {
      expect(await grpcCode(call)).toEqual({ code: INVALID_ARGUMENT, details: 'Invalid RunId.' });
    }
    // A well-formed id of no run is still NOT_FOUND.
    const missing = await grpcCode(connection.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'w', runId: '00000000-0000-4000-8000-000000000000' } }));
    expect(missing.code).toBe(NOT_FOUND);
  });

  it('a value the database refuses as data (a NUL byte in a workflow id) is INVALID_ARGUMENT, never INTERNAL', async () => {
    const answer = await grpcCode(
      connection.workflowService.startWorkflowExecution({ namespace: 'default', workflowId: 'nul\u0000id', workflowType: { name: 'x' }, taskQueue: { name: 'q' }, requestId: 'r-nul' }),
    );
    expect(answer.code).toBe(INVALID_ARGUMENT);
    expect(errors).toEqual([]);
  });
});
