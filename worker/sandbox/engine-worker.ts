/**
 * The SDK's Worker with the engine's workflow threads: the SDK's own thread pool and protocol
 * (ThreadedVMWorkflowCreator, WorkerThreadClient), each thread running worker/sandbox/workflow-thread.mjs, which
 * guards a whole activation with one watchdog instead of each of the SDK's calls into the sandbox (why, and what
 * it costs: that file's header and docs/performance.md, "One watchdog per activation"), and answers an activation
 * with its sink calls, which the SDK's Worker would ask for in a second round trip; its promise hook is the SDK's with
 * its functions compiled once per realm instead of per promise (worker/sandbox/promise-hook.mjs).
 *
 * The hook is the SDK's `protected static createWorkflowCreator`, the Worker's extension point for how workflows are
 * run; the thread speaks the SDK 1.24 thread protocol (test/worker/activation-watchdog.test.ts runs workflows on
 * it, a runaway one among them). Replays (`EngineWorker.runReplayHistories`) run as the SDK runs them, on the
 * calling thread, without the per-call watchdog their debug mode pays for no limit, with the same promise hook.
 */
import { fileURLToPath } from 'node:url';
import { Worker as NodeWorker } from 'node:worker_threads';
import { Worker, type Logger } from '@temporalio/worker';
import type { CompiledWorkerOptions } from '@temporalio/worker/lib/worker-options';
import {
  ThreadedVMWorkflowCreator,
  VMWorkflowThreadProxy,
  WorkerThreadClient,
  type ThreadedVMWorkflowCreatorOptions,
} from '@temporalio/worker/lib/workflow/threaded-vm';
import type { Workflow, WorkflowCreateOptions, WorkflowCreator } from '@temporalio/worker/lib/workflow/interface';
import type { WorkerThreadInput, WorkflowBundleWithSourceMapAndFilename } from '@temporalio/worker/lib/workflow/workflow-worker-thread/input';
import type { coresdk } from '@temporalio/proto';
import type { SinkCall } from '@temporalio/workflow';
import { createUnsafeRandomSource } from '@temporalio/workflow/lib/random-helpers';
import { replaceSdkPromiseHook } from './promise-hook.mjs';

/** `vm`'s "no timeout" (the SDK's option type says number; the SDK passes it on to `vm` as it is). */
const NO_TIMEOUT = undefined as unknown as number;

const WORKFLOW_THREAD_SCRIPT = fileURLToPath(new URL('./workflow-thread.mjs', import.meta.url));

/**
 * The SDK's proxy of a workflow in a thread, with its sink calls taken in the activation's answer: the SDK's Worker asks
 * for them after every activation, which is otherwise a second round trip to the thread.
 */
class ActivationWithSinkCallsProxy extends VMWorkflowThreadProxy {
  private sinkCalls: SinkCall[] | undefined;

  override async activate(
    activation: coresdk.workflow_activation.IWorkflowActivation,
  ): Promise<coresdk.workflow_completion.IWorkflowActivationCompletion> {
    this.sinkCalls = undefined;
    const request = { type: 'activate-workflow', activation, runId: this.runId, withSinkCalls: true } as WorkerThreadInput;
    const output = (await this.workerThreadClient.send(request)) as { type?: string; completion?: unknown; sinkCalls?: SinkCall[] } | undefined;
    if (output?.type !== 'activation-completion') throw new TypeError(`Got invalid response output from Workflow Worker thread ${output}`);
    this.sinkCalls = output.sinkCalls;
    return output.completion as coresdk.workflow_completion.IWorkflowActivationCompletion;
  }

  override async getAndResetSinkCalls(): Promise<SinkCall[]> {
    const calls = this.sinkCalls;
    this.sinkCalls = undefined;
    if (calls === undefined) return super.getAndResetSinkCalls(); // the activation failed before its answer
    for (const call of calls) {
      // As the SDK's proxy: the functions the thread could not send.
      Object.assign(call.workflowInfo.unsafe, { now: Date.now, random: createUnsafeRandomSource(Math.random) });
    }
    return calls;
  }
}

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

  override async createWorkflow(options: WorkflowCreateOptions): Promise<Workflow> {
    // As the SDK's: on the thread with the fewest workflows.
    const client = this.workerThreadClients.reduce((a, b) => (a.getActiveWorkflowCount() < b.getActiveWorkflowCount() ? a : b));
    return ActivationWithSinkCallsProxy.create(client, options);
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
      const creator = await super.createWorkflowCreator(workflowBundle, { ...compiledOptions, isolateExecutionTimeoutMs: NO_TIMEOUT }, logger);
      replaceSdkPromiseHook(); // on this thread, as the engine's workflow threads do (promise-hook.mjs)
      return creator;
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
