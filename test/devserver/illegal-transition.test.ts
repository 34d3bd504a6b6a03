/**
 * An undeclared move of an entity is never silently ignored: it is answered gRPC INTERNAL with the entity's
 * past transitions. Here an activity's state is broken on purpose (as a bug elsewhere would) before a worker
 * polls its task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { msToTs } from '@temporalio/common/lib/time';
import protoRoot from '@temporalio/proto';
import { startEnv, uid, type TestEnv } from './helpers';

const CT = protoRoot.temporal.api.enums.v1.CommandType;

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('illegal-transition');
});
afterAll(async () => {
  await env?.close();
});

describe('undeclared transitions', () => {
  it('starting an activity that is not scheduled answers INTERNAL naming the entity and its past transitions', async () => {
    const taskQueue = uid('raw');
    const svc = env.connection.workflowService;
    const h = await env.client.workflow.start('threeActivities', { taskQueue, workflowId: uid('illegal'), args: ['x'] });
    const wft = await svc.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw' });
    await svc.respondWorkflowTaskCompleted({
      namespace: 'default',
      taskToken: wft.taskToken,
      identity: 'raw',
      commands: [
        {
          commandType: CT.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
          scheduleActivityTaskCommandAttributes: {
            activityId: '1',
            activityType: { name: 'echo' },
            taskQueue: { name: taskQueue },
            startToCloseTimeout: msToTs('10 seconds'),
          },
        },
      ],
    });
    const cached = env.server.engine.cache.getState(h.firstExecutionRunId)!;
    const act = Object.values(cached.state.activities)[0];
    expect(act.state).toBe('scheduled');
    act.state = 'backoff'; // broken on purpose, in the cached committed state (what the next request starts from)
    env.server.engine.cache.setWritten(h.firstExecutionRunId, JSON.stringify(cached.state), cached.version, cached.state);
    const err = await svc
      .pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw' })
      .catch((e: unknown) => e);
    expect((err as { code?: number }).code).toBe(13); // INTERNAL
    expect(String((err as Error).message)).toMatch(/illegal transition of activity \d+: "start" from backoff; past transitions: \(none\) -schedule-> scheduled, scheduled -dispatch-> scheduled/);
    await h.terminate('done');
  });
});
