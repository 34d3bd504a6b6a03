/**
 * Preloaded (`--import`) into a bench's service when BENCH_PAUSES_FILE is set: every thread of the process (its main
 * thread and worker threads such as the SDK's workflow thread, which inherit `--import`s) appends to that file a JSON
 * line per pause it saw, so a bench can tell which process and thread stood still while a request was slow:
 *
 * - `{"kind":"gc:<type>", "t", "ms", "thread"}`: a garbage collection of at least BENCH_PAUSES_MIN_MS (20); a major
 *   one also says `heapMB`, the thread's heap in use when it is reported (just after: about what it found live, what
 *   the next one will mark again);
 * - `{"kind":"stall", "t", "ms", "thread"}`: the thread's event loop ran nothing else for at least that long
 *   (a timer due every TICK_MS came late: a long synchronous run, a GC, or the process off the CPU).
 *
 * `t` is when it began, in milliseconds since the epoch (`performance.timeOrigin` based, comparable across
 * processes). Plain JavaScript: worker threads must not need the TypeScript loader. The timer is unreferenced and
 * the writes are rare (one per pause), so it neither keeps a process alive nor costs it measurably.
 */
import { appendFileSync } from 'node:fs';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { threadId } from 'node:worker_threads';

const file = process.env.BENCH_PAUSES_FILE;
const MIN_MS = Number(process.env.BENCH_PAUSES_MIN_MS ?? 20);
const TICK_MS = 10;

const GC_KINDS = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

function record(kind, startMs, ms, extra) {
  const line = JSON.stringify({ kind, t: Math.round((performance.timeOrigin + startMs) * 10) / 10, ms: Math.round(ms * 10) / 10, thread: threadId, ...extra });
  try {
    appendFileSync(file, line + '\n');
  } catch {
    // The bench's temporary directory is gone: nothing left to tell.
  }
}

if (file && Number.isFinite(MIN_MS) && MIN_MS >= 0) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration < MIN_MS) continue;
      const kind = GC_KINDS[e.detail?.kind] ?? 'other';
      record(`gc:${kind}`, e.startTime, e.duration, kind === 'major' ? { heapMB: Math.round(getHeapStatistics().used_heap_size / 2 ** 20) } : undefined);
    }
  }).observe({ entryTypes: ['gc'] });

  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const late = now - last - TICK_MS;
    if (late >= MIN_MS) record('stall', last + TICK_MS, late);
    last = now;
  }, TICK_MS).unref();
}
