/**
 * The SDK's promise hook (@temporalio/worker lib/workflow/vm-shared.js `GlobalHandlers.setPromiseHook`, SDK 1.24),
 * which records where every workflow promise was created for the `__stack_trace` and `__enhanced_stack_trace`
 * queries, with one difference: it compiles the two functions it evaluates in a promise's realm once per realm
 * instead of once per promise.
 *
 * Why: the hook runs for every promise of the workflow thread — the sandbox's and the thread's own — and the SDK's
 * finds the promise's workflow by compiling `Function('return globalThis.__TEMPORAL_ACTIVATOR__')` in the promise's
 * realm each time (on creation and again on settlement), and its `Error` by compiling another. A compile is far dearer
 * than a call, and with source maps on (tsx turns them on) each also goes through Node's source-map cache. The
 * functions are the same for every promise of a realm and read the realm's globals when called, so they are compiled
 * once per realm (a thread has two: its own and the sandbox's, reused by every workflow) and called per promise.
 * What the hook records is the SDK's, written where the SDK's queries read it (the activator's promiseStackStore).
 */
import v8 from 'node:v8';
import { cutoffStackTrace } from '@temporalio/common';
import vmShared from '@temporalio/worker/lib/workflow/vm-shared.js';

const { globalHandlers } = vmShared;

/** A realm's `Function` → the realm's compiled getters. */
const realmGetters = new WeakMap();

function gettersOf(promise) {
  const RealmFunction = promise.constructor.constructor;
  let getters = realmGetters.get(RealmFunction);
  if (getters === undefined) {
    getters = {
      activator: RealmFunction('return globalThis.__TEMPORAL_ACTIVATOR__'),
      error: RealmFunction('return globalThis.Error'),
    };
    realmGetters.set(RealmFunction, getters);
  }
  return getters;
}

/** The SDK's cutoffStructuredStackTrace (vm-shared.js, not exported). */
function cutoffStructuredStackTrace(stackTrace) {
  stackTrace.shift();
  if (stackTrace[0]?.function_name === 'initAll' && stackTrace[0].file_path === 'node:internal/promise_hooks') stackTrace.shift();
  const idx = stackTrace.findIndex(
    ({ function_name, file_path }) =>
      function_name &&
      file_path &&
      ((/^Activator\.\S+NextHandler$/.test(function_name) && /.*[\\/]workflow[\\/](?:src|lib)[\\/]internals\.[jt]s$/.test(file_path)) ||
        (/Script\.runInContext/.test(function_name) && /^node:vm|vm\.js$/.test(file_path))),
  );
  if (idx > -1) stackTrace.splice(idx);
}

function createHook() {
  // Tracks Promise aggregators like `race` and `all` to link the promises they create to them.
  let currentAggregation;
  return v8.promiseHooks.createHook({
    init(promise, parent) {
      const getters = gettersOf(promise);
      const activator = getters.activator();
      if (!activator) return; // not a workflow's promise
      const store = activator.promiseStackStore;
      promise.runId = activator.info.runId;
      // Set by the SDK's Error.prepareStackTrace while the stack below is formatted.
      globalHandlers.currentStackTrace = undefined;
      const ErrorCtor = getters.error();
      const formatted = cutoffStackTrace(new ErrorCtor().stack?.replace(/^Error\n\s*at [^\n]+\n(\s*at initAll \(node:internal\/promise_hooks:\d+:\d+\)\n)?/, ''));
      if (globalHandlers.currentStackTrace === undefined) return;
      const structured = globalHandlers.currentStackTrace;
      cutoffStructuredStackTrace(structured);
      let stackTrace = { formatted, structured };
      if (currentAggregation && /^\s+at\sPromise\.then \(<anonymous>\)\n\s+at (Function|Promise)\.(race|all|allSettled|any) \(<anonymous>\)\n/.test(formatted)) {
        promise = currentAggregation;
        stackTrace = store.promiseToStack.get(currentAggregation);
      } else if (/^\s+at (Function|Promise)\.(race|all|allSettled|any) \(<anonymous>\)\n/.test(formatted)) {
        currentAggregation = promise;
      } else {
        currentAggregation = undefined;
      }
      if (promise === parent) return;
      store.promiseToStack.set(promise, stackTrace);
      const parents = store.childToParent.get(promise) ?? new Set();
      if (parent) parents.add(parent);
      store.childToParent.set(promise, parents);
    },
    settled(promise) {
      const store = gettersOf(promise).activator()?.promiseStackStore;
      if (!store) return;
      store.childToParent.delete(promise);
      store.promiseToStack.delete(promise);
    },
  });
}

/** Replaces the SDK's hook, once the SDK installed it (its workflow creator does, at the thread's start). */
export function replaceSdkPromiseHook() {
  if (!globalHandlers.promiseHookInstalled) return false;
  globalHandlers.stopPromiseHook();
  globalHandlers.stopPromiseHook = createHook();
  return true;
}
