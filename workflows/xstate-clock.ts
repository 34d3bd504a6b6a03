/**
 * XState's clock for statecharts run in the Temporal sandbox: `after` delays become durable timers.
 *
 * Why not the sandbox's global setTimeout/clearTimeout: in @temporalio/workflow 1.24 they keep the timers'
 * cancellation scopes in ONE module-level map keyed by the timer's sequence number, and with the reusable V8
 * context (the worker's default) that module is shared by every workflow the worker runs. Timer sequence numbers
 * are per workflow (each starts at 1), so a workflow's setTimeout overwrites another's entry and its clearTimeout
 * cancels the OTHER workflow's timer: a CancelTimer is pushed into that workflow's command buffer, leaking into
 * its next activation. When that activation is a query, core rejects the completion ("legacy query response
 * along with other commands") and shuts the worker down; otherwise a timer of an unrelated case is silently
 * cancelled (and its replay is no longer deterministic) while the intended timer keeps running.
 *
 * This clock keeps the map per actor (per workflow execution) and otherwise does exactly what the SDK's
 * setTimeout/clearTimeout do (a cancellable CancellationScope around `sleep`, the callback on the sleep's
 * resolution, `scope.cancel()` on clear), so it emits the same commands in the same order and the histories
 * recorded with the global timers replay unchanged.
 */
import { CancellationScope, sleep } from '@temporalio/workflow';

export interface WorkflowClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number;
  clearTimeout(id: unknown): void;
}

export function createWorkflowClock(): WorkflowClock {
  const scopes = new Map<number, CancellationScope>();
  let lastId = 0;
  return {
    setTimeout(fn, timeout) {
      const id = ++lastId;
      const scope = new CancellationScope({ cancellable: true });
      const slept = scope.run(() => sleep(Math.max(1, timeout)));
      slept.then(
        () => {
          scopes.delete(id);
          fn();
        },
        () => {
          scopes.delete(id); // cancelled
        },
      );
      scopes.set(id, scope);
      return id;
    },
    clearTimeout(id) {
      const scope = scopes.get(id as number);
      if (!scope) return;
      scopes.delete(id as number);
      scope.cancel();
    },
  };
}
