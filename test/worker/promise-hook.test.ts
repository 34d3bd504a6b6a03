/**
 * worker/sandbox/promise-hook.mjs records what the SDK's promise hook records (the stacks behind the SDK's
 * `__stack_trace` and `__enhanced_stack_trace` queries): the same script of "workflow" promises, run in a vm realm
 * whose global holds an activator as the SDK's sandbox does, first under the SDK's hook, then under the engine's;
 * the two stores are equal, entry for entry, the engine's compiling two functions in the realm where the SDK's compiles
 * two or three per promise. (test/workflows/stack-trace-depth.e2e.test.ts asks the queries of a real case on the
 * engine's worker.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import vm from 'node:vm';
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared';
import { replaceSdkPromiseHook } from '../../worker/sandbox/promise-hook.mjs';

interface RecordedStack {
  formatted: string;
  structured: { function_name?: string; file_path?: string; line?: number; column?: number }[];
}

const WORKFLOW_SCRIPT = `
  function waitForOfficer() { return new Promise(() => {}); }
  function parallelSteps() { return Promise.all([waitForOfficer(), waitForOfficer()]); }
  function firstOf() { return Promise.race([waitForOfficer(), waitForOfficer()]); }
  function settledAtOnce() { return new Promise((resolve) => resolve(1)); }
  waitForOfficer();
  parallelSteps();
  firstOf();
  settledAtOnce();
`;

/**
 * Runs the script in a fresh realm with a workflow's activator: what the hook stored, in creation order, and how many
 * functions it compiled in the realm (both hooks compile through `promise.constructor.constructor`, the realm's
 * `Function`, counted here by giving the realm's Promise a `constructor` of its own that counts and compiles).
 */
function recordStacks(): { stacks: RecordedStack[]; parents: number[]; compiles: number } {
  const promiseToStack = new Map<unknown, RecordedStack>();
  const childToParent = new Map<unknown, Set<unknown>>();
  const activator = { promiseStackStore: { promiseToStack, childToParent }, info: { runId: 'run-1' } };
  const context = vm.createContext({ __TEMPORAL_ACTIVATOR__: activator, compiles: 0 });
  vm.runInContext(
    `Object.defineProperty(Promise, 'constructor', { value: (...source) => { globalThis.compiles++; return Function(...source); } });`,
    context,
  );
  vm.runInContext(WORKFLOW_SCRIPT, context, { filename: 'workflow-bundle.js' });
  return { stacks: [...promiseToStack.values()], parents: [...childToParent.values()].map((s) => s.size), compiles: context.compiles };
}

describe('the engine’s promise hook', () => {
  afterAll(() => globalHandlers.uninstall());

  it('records, promise for promise, what the SDK’s hook records', () => {
    globalHandlers.install(); // the SDK's hook and stack formatting, as its workflow creator installs them
    expect(globalHandlers.promiseHookInstalled).toBe(true);
    const bySdk = recordStacks();

    expect(replaceSdkPromiseHook()).toBe(true);
    const byEngine = recordStacks();

    expect(bySdk.stacks.length).toBeGreaterThan(3);
    expect(bySdk.stacks.some((s) => s.structured.some((f) => f.function_name === 'waitForOfficer' && f.file_path === 'workflow-bundle.js'))).toBe(true);
    expect(bySdk.stacks.some((s) => /settledAtOnce/.test(s.formatted))).toBe(false); // settled: forgotten
    expect(byEngine.stacks).toEqual(bySdk.stacks);
    expect(byEngine.parents).toEqual(bySdk.parents);
    // The SDK compiles two functions per promise created and one per promise settled; the engine's, two per realm.
    expect(bySdk.compiles).toBeGreaterThan(2 * bySdk.stacks.length);
    expect(byEngine.compiles).toBe(2);
  });
});
