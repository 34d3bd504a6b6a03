/**
 * The benchmarks' workflow: `threeActivities(x)` runs three sequential `echo` activities on `${x}-0`, `${x}-1`,
 * `${x}-2` and returns their results (devserver/harness/workflows for the SDK, bench/protocol-worker.ts, and the
 * DBOS twin in bench/compare-dbos.ts). Here: the expected result, a start-and-wait through the lean client, the
 * SDK worker's options, and how the SDK contender's client starts (eager or not).
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { HARNESS_WORKFLOWS_PATH } from '../devserver/harness/workflows-path';
import type { LeanGrpcClient } from './lean-grpc-client';
import { jsonPayload, type ProtocolWorker } from './protocol-worker';

/** What `threeActivities(x)` returns, as JSON. */
export const expectedThreeActivities = (x: string) => JSON.stringify([0, 1, 2].map((i) => `${x}-${i}`));

// temporal.api.enums.v1 values.
const TASK_QUEUE_KIND_NORMAL = 1;
const HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT = 2;
const utf8 = new TextDecoder();

/**
 * Starts `threeActivities(x)` on `taskQueue` and waits for its result (long polls for the close event, as the
 * SDK client's result() does), through the lean client; throws unless it completed with the expected result.
 */
export async function runThreeActivities(rpc: LeanGrpcClient, taskQueue: string, workflowId: string, x: string, identity: string, eagerTo?: ProtocolWorker): Promise<void> {
  const { runId, eagerWorkflowTask } = await rpc.call('StartWorkflowExecution', {
    namespace: 'default',
    workflowId,
    workflowType: { name: 'threeActivities' },
    taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
    input: { payloads: [jsonPayload(x)] },
    requestId: randomUUID(),
    identity,
    // Eager start: the first workflow task comes back in the answer and goes to the worker in this process.
    requestEagerExecution: !!eagerTo,
  });
  if (eagerTo && eagerWorkflowTask?.taskToken?.length) eagerTo.runEagerTask(eagerWorkflowTask);
  const execution = { workflowId, runId };
  for (;;) {
    const r = await rpc.call('GetWorkflowExecutionHistory', {
      namespace: 'default',
      execution,
      waitNewEvent: true,
      historyEventFilterType: HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    const close = r.history?.events?.[0];
    if (!close) continue; // the long poll window ended before the workflow closed
    const payload = close.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
    if (!payload) throw new Error(`protocol worker: workflow ${workflowId} closed with event type ${close.eventType}, not completed with a result`);
    const encoding = payload.metadata?.encoding ? utf8.decode(payload.metadata.encoding) : '';
    if (encoding !== 'json/plain') throw new Error(`protocol worker: workflow ${workflowId} result has encoding "${encoding}"`);
    const got = JSON.stringify(JSON.parse(utf8.decode(payload.data ?? new Uint8Array())));
    if (got !== expectedThreeActivities(x)) throw new Error(`protocol worker: workflow ${workflowId} returned ${got}, expected ${expectedThreeActivities(x)}`);
    return;
  }
}

/** The SDK worker's tuning in the benchmarks (the same in bench:devserver and bench:compare). */
export const SDK_WORKER_TUNING = {
  maxCachedWorkflows: 1000,
  maxConcurrentWorkflowTaskExecutions: 100,
  maxConcurrentActivityTaskExecutions: 500,
  maxConcurrentWorkflowTaskPolls: 8,
  maxConcurrentActivityTaskPolls: 8,
} as const;

/**
 * How the SDK contender's client starts workflows: on the worker's native connection (default), which lets a start
 * be eager — the first workflow task comes back in the start's answer and goes straight to this worker
 * (BENCH_COMPARE_EAGER_START, default 1) —, or on its own grpc-js connection (BENCH_COMPARE_SDK_CLIENT=grpc-js,
 * never eager), as a client in another process would. An unknown value is an error.
 */
export function sdkStartMode(env: NodeJS.ProcessEnv): { client: 'native' | 'grpc-js'; eager: boolean; eagerRequested: boolean; label: string } {
  const client = env.BENCH_COMPARE_SDK_CLIENT || 'native';
  if (client !== 'native' && client !== 'grpc-js') throw new Error(`BENCH_COMPARE_SDK_CLIENT: "${client}" is neither native nor grpc-js`);
  const eagerRaw = env.BENCH_COMPARE_EAGER_START || '1';
  if (eagerRaw !== '0' && eagerRaw !== '1') throw new Error(`BENCH_COMPARE_EAGER_START must be 0 or 1, got "${eagerRaw}"`);
  const eager = client === 'native' && eagerRaw === '1';
  return { client, eager, eagerRequested: eagerRaw === '1', label: eager ? 'eager start' : client === 'native' ? 'client on the worker connection, not eager' : 'grpc-js client' };
}

/**
 * How the SDK contender's workflow sandbox is set up (BENCH_COMPARE_SDK_SANDBOX): `engine` (default) as the engine's
 * worker sets up its own — the tree preloaded once per workflow thread, two frames per stack captured in the sandbox
 * (bench/compare-workflows.ts) —, or `stock`: the SDK's defaults, the harness's tree evaluated for every workflow and
 * ten frames per stack. An unknown value is an error.
 */
export function sdkSandbox(env: NodeJS.ProcessEnv): 'engine' | 'stock' {
  const sandbox = env.BENCH_COMPARE_SDK_SANDBOX || 'engine';
  if (sandbox !== 'engine' && sandbox !== 'stock') throw new Error(`BENCH_COMPARE_SDK_SANDBOX: "${sandbox}" is neither engine nor stock`);
  return sandbox;
}

const COMPARE_WORKFLOWS_PATH = fileURLToPath(new URL('./compare-workflows.ts', import.meta.url));

/** The SDK contender's bundle options for a sandbox set-up: `engine` preloads its own entry, as the engine's worker. */
export function sdkContenderBundleOptions(sandbox: 'engine' | 'stock'): { workflowsPath: string; preloadModules?: string[] } {
  return sandbox === 'engine' ? { workflowsPath: COMPARE_WORKFLOWS_PATH, preloadModules: [COMPARE_WORKFLOWS_PATH] } : { workflowsPath: HARNESS_WORKFLOWS_PATH };
}
