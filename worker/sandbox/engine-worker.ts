/**
 * The SDK's Worker with the engine's workflow threads: the SDK's own thread pool and protocol
 * (ThreadedVMWorkflowCreator, WorkerThreadClient), each thread running worker/sandbox/workflow-thread.mjs, which
 * guards a whole activation with one watchdog instead of each of the SDK's calls into the sandbox (why, and what
 * it costs: that file's header and docs/performance.md, "One watchdog per activation").
 *
 * The hook is the SDK's `protected static createWorkflowCreator`, the Worker's extension point for how workflows are
 * run; the thread speaks the SDK 1.24 thread protocol (test/worker/activation-watchdog.test.ts runs workflows on
 * it, a runaway one among them). Replays (`EngineWorker.runReplayHistories`) run as the SDK runs them, on the
 * calling thread, without the per-call watchdog their debug mode pays for no limit.
 */
import { fileURLToPath } from 'node:url';
import { Worker as NodeWorker } from 'node:worker_threads';
import { Worker } from '@temporalio/worker';
import type { Logger } from '@temporalio/worker';
import type { CompiledWorkerOptions } from '@temporalio/worker/lib/worker-options';
import type { WorkflowCreator } from '@temporalio/worker/lib/workflow/interface';
import {
  ThreadedVMWorkflowCreator,
  WorkerThreadClient,
  type ThreadedVMWorkflowCreatorOptions,
} from '@temporalio/worker/lib/workflow/threaded-vm';
import type { WorkflowBundleWithSourceMapAndFilename } from '@temporalio/worker/lib/workflow/workflow-worker-thread/input';

/** `vm`'s "no timeout" (the SDK's option type says number; the SDK passes it on to `vm` as it is). */
const NO_TIMEOUT = undefined as unknown as number;

export const WORKFLOW_THREAD_SCRIPT = fileURLToPath(new URL('./workflow-thread.mjs', import.meta.url));

/** The SDK's thread pool, its threads running the engine's thread script. */
export class ActivationWatchdogCreator extends ThreadedVMWorkflowCreator {
  static override async create(opts: ThreadedVMWorkflowCreatorOptions): Promise<ActivationWatchdogCreator> {
    const clients = Array.from(
      { length: opts.threadPoolSize },
      () => new WorkerThreadClient(new NodeWorker(WORKFLOW_THREAD_SCRIPT), opts.logger, opts.patchActivationCallback),
    );
    const created = new ActivationWatchdogCreator(clients);
    try {
      await Promise.all(
        clients.map((client) =>
          client.send({
            type: 'init',
            workflowBundle: opts.workflowBundle,
            isolateExecutionTimeoutMs: opts.isolateExecutionTimeoutMs,
            reuseV8Context: opts.reuseV8Context,
            registeredActivityNames: opts.registeredActivityNames,
            hasPatchActivationCallback: opts.patchActivationCallback !== undefined,
          }),
        ),
      );
    } catch (err) {
      await created.destroy().catch(() => {});
      throw err;
    }
    return created;
  }
}

/** `EngineWorker.create(options)` as `Worker.create(options)`; the workflows run on ActivationWatchdogCreator's threads. */
export class EngineWorker extends Worker {
  protected static override async createWorkflowCreator(
    workflowBundle: WorkflowBundleWithSourceMapAndFilename,
    compiledOptions: CompiledWorkerOptions,
    logger: Logger,
  ): Promise<WorkflowCreator> {
    // Debug mode (the SDK's replayers set it) runs workflows on the calling thread and promises not to limit their time,
    // yet still times every call with the largest timeout Node takes: the same, without a watchdog thread per call.
    if (compiledOptions.debugMode) {
      return super.createWorkflowCreator(workflowBundle, { ...compiledOptions, isolateExecutionTimeoutMs: NO_TIMEOUT }, logger);
    }
    return ActivationWatchdogCreator.create({
      workflowBundle,
      threadPoolSize: compiledOptions.workflowThreadPoolSize,
      isolateExecutionTimeoutMs: compiledOptions.isolateExecutionTimeoutMs,
      reuseV8Context: compiledOptions.reuseV8Context ?? true,
      registeredActivityNames: new Set(compiledOptions.activities.keys()),
      logger,
      patchActivationCallback: compiledOptions.patchActivationCallback,
    });
  }
}
