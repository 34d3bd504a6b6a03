/** Applies one due deadline (timer, timeouts, retry backoff) in its own transaction. */
import { enums } from '../proto';
import * as store from '../storage/store';
import type { Engine } from './engine';
import { timerFired } from './timers';
import { activityTimeoutFired, retryTimerFired } from './activities';
import { stickyTimeout, timeoutWorkflowTask } from './workflow-task';
import { firstWftBackoff, timeoutRun } from './lifecycle';

/* eslint-disable @typescript-eslint/no-explicit-any */
const RUNNING = enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

export async function fireDeadline(engine: Engine, row: store.DeadlineRow): Promise<void> {
  await engine.transact(async (work) => {
    if (!(await store.takeDeadline(work.tx, row.id))) return;
    const ctx = await work.tryRun(row.runId);
    if (!ctx || ctx.state.status !== RUNNING) return;
    const p = row.payload as any;
    switch (row.kind) {
      case 'timer':
        timerFired(ctx, p.timerId, p.started);
        break;
      case 'activity-timeout':
        activityTimeoutFired(ctx, p.sched, p.att, p.type);
        break;
      case 'activity-retry':
        retryTimerFired(ctx, p.sched, p.att);
        break;
      case 'wft-timeout':
        timeoutWorkflowTask(ctx, p.sched, p.started);
        break;
      case 'wft-sticky-timeout':
        stickyTimeout(ctx, p.sched);
        break;
      case 'run-timeout':
        timeoutRun(ctx);
        break;
      case 'first-wft':
        firstWftBackoff(ctx);
        break;
      default:
        engine.logger.warn(`unknown deadline kind ${row.kind}`);
    }
  });
}
