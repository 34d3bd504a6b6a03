/**
 * A workflow thread of the engine's worker: the SDK's workflow thread (@temporalio/worker
 * lib/workflow/workflow-worker-thread.js, SDK 1.24), answering the same requests from the same WorkerThreadClient,
 * with three differences: the watchdog that stops a runaway workflow guards each request as a whole instead of each
 * of the SDK's calls into the sandbox; an activation's answer can carry its sink calls (worker/sandbox/engine-worker.ts
 * asks for them so), saving the SDK's second round trip per activation; the SDK's promise hook is replaced by the
 * same hook without a compile per promise (./promise-hook.mjs).
 *
 * Why: Node runs a `vm` call that has a timeout under a watchdog thread it creates and joins for that one call
 * (~60–90 µs of CPU on this project's VMs against ~2 µs without), and the SDK makes three to five such calls per
 * activation (activate, unblock conditions until none moves, conclude; initRuntime and dispose at the ends). Here the
 * sandbox is created without a per-call timeout and each request that enters it — create, activate, dispose — runs
 * inside one call with the timeout (`runGuarded`), so a workflow that loops is still stopped after
 * `isolateExecutionTimeout`, now counted over its whole activation. Node's watchdog terminates the isolate's
 * execution, nested calls included, and the guarded call throws ERR_SCRIPT_EXECUTION_TIMEOUT; the activation then
 * fails as the SDK fails it on its own timeout (a failed completion, which fails the workflow task and evicts the run).
 *
 * Plain JavaScript: a worker thread does not inherit the TypeScript loader.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import vm from 'node:vm';
import { IllegalStateError } from '@temporalio/common';
import proto from '@temporalio/proto';
import reusableVm from '@temporalio/worker/lib/workflow/reusable-vm.js';
import plainVm from '@temporalio/worker/lib/workflow/vm.js';
import patchCallback from '@temporalio/worker/lib/workflow/patch-activation-callback.js';
import { replaceSdkPromiseHook } from './promise-hook.mjs';

if (isMainThread || !parentPort) throw new Error('worker/sandbox/workflow-thread.mjs runs as a workflow thread only');

const { ReusableVMWorkflowCreator } = reusableVm;
const { VMWorkflowCreator } = plainVm;
const { WorkflowActivation } = proto.coresdk.workflow_activation;

/** The watchdog: one `vm` call with the timeout, whose script calls back into this thread's code. */
const guardContext = vm.createContext({ guarded: undefined });
const guardScript = new vm.Script('guarded()', { filename: 'engine-activation-watchdog' });

let timeoutMs;
let workflowCreator;
let workflowOf;

function runGuarded(fn) {
  guardContext.guarded = fn;
  try {
    return guardScript.runInContext(guardContext, { timeout: timeoutMs, displayErrors: false });
  } finally {
    guardContext.guarded = undefined;
  }
}

function requestPatchActivation(workflowInfo, patchId) {
  const resultBuffer = new SharedArrayBuffer(patchCallback.PATCH_ACTIVATION_CALLBACK_BUFFER_SIZE);
  parentPort.postMessage({
    type: 'patch-activation-callback',
    workflowInfo: patchCallback.makePatchActivationWorkflowInfoSnapshot(workflowInfo),
    patchId,
    resultBuffer,
  });
  return patchCallback.waitForPatchActivationCallbackResult(resultBuffer);
}

function running(runId) {
  const workflow = workflowOf(runId);
  if (workflow === undefined) throw new IllegalStateError(`Tried to use a workflow that is not running here, runId ${runId}`);
  return workflow;
}

/**
 * The answer to an activation the watchdog stopped: a failed completion, as the SDK answers one its own timeout
 * stopped (BaseVMWorkflow.activate), with a message that says what happened.
 */
function failedActivation(workflow, runId, err) {
  const stopped = new Error(
    `The workflow's activation ran for over ${timeoutMs} ms without yielding and was stopped (isolateExecutionTimeout; ` +
      `a loop in workflow code?): ${err.message}`,
  );
  stopped.name = 'ActivationWatchdogTimeout';
  return { runId, failed: { failure: workflow.activator.errorToFailure(stopped) } };
}

/** The sink calls a workflow made since last asked, as the SDK's thread sends them: without the functions, which cannot cross threads. */
async function sinkCallsOf(workflow) {
  const calls = await workflow.getAndResetSinkCalls();
  for (const call of calls) {
    call.workflowInfo = { ...call.workflowInfo, unsafe: { ...call.workflowInfo.unsafe } };
    delete call.workflowInfo.unsafe.now;
    delete call.workflowInfo.unsafe.random;
    call.workflowInfo = structuredClone(call.workflowInfo);
  }
  return calls;
}

const ok = (requestId, output) => ({ requestId, result: output === undefined ? { type: 'ok' } : { type: 'ok', output } });

async function handleRequest({ requestId, input }) {
  switch (input.type) {
    case 'init': {
      timeoutMs = input.isolateExecutionTimeoutMs;
      const Creator = input.reuseV8Context ? ReusableVMWorkflowCreator : VMWorkflowCreator;
      // No per-call timeout: runGuarded watches every request that enters a workflow. (The bundle is evaluated here
      // once, at start, unwatched: a loop in its module scope would hang the worker's start, not a case.)
      const patch = input.hasPatchActivationCallback ? requestPatchActivation : undefined;
      workflowCreator = await Creator.create(input.workflowBundle, undefined, input.registeredActivityNames, patch);
      replaceSdkPromiseHook(); // the creator installed the SDK's: the same hook, its functions compiled once per realm
      workflowOf = (runId) => Creator.workflowByRunId.get(runId);
      return ok(requestId);
    }
    case 'destroy':
      await workflowCreator?.destroy();
      return ok(requestId);
    case 'create-workflow':
      if (workflowCreator === undefined) throw new IllegalStateError('No workflow creator in this workflow thread');
      await runGuarded(() => workflowCreator.createWorkflow(input.options));
      return ok(requestId);
    case 'activate-workflow': {
      const workflow = running(input.runId);
      const activation = WorkflowActivation.fromObject(input.activation);
      let pending;
      try {
        // BaseVMWorkflow.activate is synchronous up to its completion (its first await follows concludeActivation).
        pending = runGuarded(() => workflow.activate(activation));
      } catch (err) {
        if (err?.code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
        pending = failedActivation(workflow, input.runId, err);
      }
      const completion = await pending;
      // The activation's sink calls in the same answer (the SDK asks for them right after, in a request of its own).
      const sinkCalls = input.withSinkCalls ? await sinkCallsOf(workflow) : undefined;
      return ok(requestId, { type: 'activation-completion', completion, sinkCalls });
    }
    case 'extract-sink-calls':
      return ok(requestId, { type: 'sink-calls', calls: await sinkCallsOf(running(input.runId)) });
    case 'dispose-workflow':
      await runGuarded(() => running(input.runId).dispose());
      return ok(requestId);
    default:
      throw new IllegalStateError(`Unknown workflow thread request ${input.type}`);
  }
}

parentPort.on('message', async (request) => {
  try {
    parentPort.postMessage(await handleRequest(request));
  } catch (err) {
    parentPort.postMessage({
      requestId: request.requestId,
      result: { type: 'error', message: err?.message, name: err?.name, stack: err?.stack },
    });
  }
});
