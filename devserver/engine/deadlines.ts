/** Applies one due deadline (timer, timeouts, retry backoff) in its own transaction. */
import { enums } from '../proto';
import * as store from '../storage/store';
import type { Engine } from './engine';
import type { RunContext } from './context';
import { timerFired } from './timers';
import { activityTimeoutFired, retryTimerFired } from './activities';
import { stickyTimeout, timeoutWorkflowTask } from './workflow-task';
import { firstWftBackoff, timeoutRun } from './lifecycle';
import { nextCronRun, startCronRun } from './cron';

 
const RUNNING = enums.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
/** What the next run of a timed-out cron workflow sees as its continued failure (as Temporal sends it). */
const CRON_TIMEOUT_FAILURE = {
  message: 'workflow timeout',
  timeoutFailureInfo: { timeoutType: enums.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE },
};

/**
 * Optimistic unit: the deadline row is deleted in the run's write statement (so it is applied exactly once);
 * when applying it changes nothing, the row is just deleted.
 */
export async function fireDeadline(engine: Engine, row: store.DeadlineRow): Promise<void> {
  let noop = false;
  try {
    await engine.transact(
      async (work) => {
        noop = false;
        const ctx = await work.tryRun(row.runId);
        if (!ctx || ctx.state.status !== RUNNING) {
          noop = true;
          return;
        }
        await apply(engine, ctx, row);
        if (ctx.dirty) ctx.consumeDeadlineId = row.id;
        else noop = true;
      },
      { optimistic: true },
    );
  } catch (e) {
    if ((e as { code?: string }).code === 'CLAIM_LOST') return; // already applied
    throw e;
  }
  if (noop) await store.takeDeadline(engine.db, row.id);
}

/** What `ctx.addDeadline` stored for each kind (a jsonb column, so read back untyped). */
interface DeadlinePayload {
  timerId: string;
  started: number;
  sched: number;
  att: number;
  type: number;
}

async function apply(engine: Engine, ctx: RunContext, row: store.DeadlineRow): Promise<void> {
  {
    const p = row.payload as unknown as DeadlinePayload;
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
      case 'run-timeout': {
        const cron = nextCronRun(engine, ctx);
        timeoutRun(ctx, cron?.runId);
        if (cron && ctx.state.status !== RUNNING) await startCronRun(engine, ctx, cron, { failure: CRON_TIMEOUT_FAILURE });
        break;
      }
      case 'first-wft':
        firstWftBackoff(ctx);
        break;
      default:
        engine.logger.warn(`unknown deadline kind ${row.kind}`);
    }
  }
}
