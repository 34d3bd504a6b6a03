/**
 * Update round trips with the SDK's DEFAULT worker options (as a new user runs them): executeUpdate answered
 * accepted (handler result) and rejected (validator), one at a time against one waiting workflow, so each
 * figure is the latency of one update — client → devserver → worker → devserver → client.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import * as activities from '../devserver/harness/activities';
import { pct as percentile } from './measure';

export interface UpdateLatency {
  count: number;
  acceptedP50: number;
  acceptedP99: number;
  rejectedP50: number;
  rejectedP99: number;
}


export async function measureUpdateLatency(
  connection: NativeConnection,
  client: Client,
  workflowBundle: WorkflowBundleWithSourceMap,
  count: number,
): Promise<UpdateLatency> {
  const taskQueue = `bench-updates-${randomUUID().slice(0, 6)}`;
  // Default options: nothing but what a worker needs to run.
  const worker = await Worker.create({ connection, taskQueue, workflowBundle, activities });
  return worker.runUntil(async () => {
    const h = await client.workflow.start('updatable', { taskQueue, workflowId: `updates-${taskQueue}` });
    const accepted: number[] = [];
    const rejected: number[] = [];
    for (let i = 0; i < count; i++) {
      let t = performance.now();
      await h.executeUpdate('increment', { args: [1] });
      accepted.push(performance.now() - t);
      t = performance.now();
      const err = await h.executeUpdate('increment', { args: [-1] }).catch((e: unknown) => e);
      if (!(err instanceof WorkflowUpdateFailedError)) throw new Error(`a rejected update answered ${String(err)}`);
      rejected.push(performance.now() - t);
    }
    await h.signal('done');
    await h.result();
    return {
      count,
      acceptedP50: percentile(accepted, 50),
      acceptedP99: percentile(accepted, 99),
      rejectedP50: percentile(rejected, 50),
      rejectedP99: percentile(rejected, 99),
    };
  });
}
