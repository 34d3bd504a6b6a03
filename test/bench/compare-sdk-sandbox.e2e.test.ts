/**
 * bench:compare's SDK contender with its sandbox set up as the engine's worker sets up its own
 * (BENCH_COMPARE_SDK_SANDBOX=engine, bench/compare-workflows.ts), on the real SDK worker with the bench's options
 * and the devserver: the preloaded tree runs the benchmark's workflow to its result, and the stacks the SDK captured
 * for its pending promises keep at most WORKFLOW_STACK_FRAMES frames, still source-mapped to the line it waits on.
 * (That the limit cuts frames the SDK captures is test/workflows/stack-trace-depth.e2e.test.ts's: this workflow is
 * too shallow to show it after the SDK trims its own frames.) The stock set-up runs the same workflow too.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { EnhancedStackTrace } from '@temporalio/workflow';
import { WORKFLOW_STACK_FRAMES } from '../../workflows/stack-trace-depth';
import { expectedThreeActivities, SDK_WORKER_TUNING, sdkContenderBundleOptions, sdkSandbox } from '../../bench/three-activities';
import { startEnv, uid, waitFor, type TestEnv } from '../devserver/helpers';

const WORKFLOW_SOURCE = new URL('../../devserver/harness/workflows/three-activities.ts', import.meta.url);
/** The line where threeActivities awaits its activity: where its pending promise's stack must point. */
const AWAIT_LINE = readFileSync(WORKFLOW_SOURCE, 'utf8').split('\n').findIndex((l) => l.includes('await echo(')) + 1;
const waitsOnItsActivity = expect.objectContaining({ file_path: expect.stringMatching(/harness\/workflows\/three-activities\.ts$/), line: AWAIT_LINE });

let env: TestEnv;
beforeAll(async () => {
  env = await startEnv('compare-sandbox', { worker: false });
});
afterAll(async () => {
  await env?.close();
});

/** Runs threeActivities on a worker of the given set-up; its first echo waits until the stacks were read. */
async function runHeld(sandbox: 'engine' | 'stock'): Promise<{ stacks: EnhancedStackTrace['stacks'] }> {
  const workflowBundle = await bundleWorkflowCode({ ...sdkContenderBundleOptions(sandbox), logger: new DefaultLogger('ERROR') });
  const taskQueue = uid(`compare-${sandbox}`);
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let started = false;
  const activities = {
    echo: async (s: string) => {
      started = true;
      await released;
      return s;
    },
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities, ...SDK_WORKER_TUNING });
  return worker.runUntil(async () => {
    const x = uid('x');
    const handle = await env.client.workflow.start('threeActivities', { taskQueue, workflowId: uid(`wf-${sandbox}`), args: [x] });
    await waitFor(async () => started);
    const { stacks } = await handle.query<EnhancedStackTrace>('__enhanced_stack_trace');
    release();
    const result = await handle.result();
    expect(JSON.stringify(result)).toBe(expectedThreeActivities(x));
    return { stacks };
  });
}

describe("bench:compare's SDK contender sandbox", () => {
  it('defaults to the engine set-up and refuses an unknown one', () => {
    expect(sdkSandbox({})).toBe('engine');
    expect(sdkSandbox({ BENCH_COMPARE_SDK_SANDBOX: 'stock' })).toBe('stock');
    expect(() => sdkSandbox({ BENCH_COMPARE_SDK_SANDBOX: 'fast' })).toThrow(/BENCH_COMPARE_SDK_SANDBOX: "fast" is neither engine nor stock/);
  });

  it('the engine set-up runs the workflow from its preloaded tree, its stacks within WORKFLOW_STACK_FRAMES frames; the stock one runs it too', async () => {
    const engine = await runHeld('engine');
    expect(engine.stacks.length).toBeGreaterThan(0);
    for (const s of engine.stacks) expect(s.locations.length).toBeLessThanOrEqual(WORKFLOW_STACK_FRAMES);
    // Still source-mapped to the line the workflow waits on.
    expect(engine.stacks.flatMap((s) => s.locations)).toContainEqual(waitsOnItsActivity);

    const stock = await runHeld('stock');
    expect(stock.stacks.flatMap((s) => s.locations)).toContainEqual(waitsOnItsActivity);
  });
});
