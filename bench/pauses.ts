/**
 * Which process stood still while a request was slow: the pauses each bench service records
 * (bench/record-pauses.mjs: garbage collections and event-loop stalls, per thread) laid against the time span of
 * each sampled request. A tail that no pause overlaps was spent waiting (a queue, a lock, the network, Postgres).
 */
import { readFileSync } from 'node:fs';
import { pct } from './measure';
import { fmt } from './report';

/** One pause of one thread of one process; `t` is its start in ms since the epoch. */
export interface Pause {
  process: string;
  thread: number;
  kind: string;
  t: number;
  ms: number;
  /** What was seen beside it (a slow commit: the kernel's writeback), printed after it. */
  note?: string;
  /** A major GC: the thread's heap in use just after it, MB (what it found live, about). */
  heapMB?: number;
}

/** A sampled request: when it began (ms since the epoch) and how long it took. */
export interface RequestSpan {
  t: number;
  ms: number;
}

/** The pauses a service wrote to `file` (none if it wrote nothing); malformed lines are skipped. */
export function readPauses(processName: string, file: string): Pause[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: Pause[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const p = JSON.parse(line) as Omit<Pause, 'process'>;
      if (typeof p.t !== 'number' || typeof p.ms !== 'number' || typeof p.kind !== 'string') continue;
      out.push({ process: processName, thread: p.thread ?? 0, kind: p.kind, t: p.t, ms: p.ms, ...(typeof p.heapMB === 'number' ? { heapMB: p.heapMB } : {}) });
    } catch {
      // A line cut by the process's death.
    }
  }
  return out;
}

/** "engine" for a process's main thread, "engine thread 1" for a worker thread (the SDK's workflow thread). */
export const threadName = (p: Pause) => (p.thread === 0 ? p.process : `${p.process} thread ${p.thread}`);

/** Milliseconds of `p` that fall within the request `r`. */
export function overlapMs(p: Pause, r: RequestSpan): number {
  return Math.max(0, Math.min(p.t + p.ms, r.t + r.ms) - Math.max(p.t, r.t));
}

/**
 * Lines that say where the slow requests' time went: per thread, the pauses during the sampling (count and ms per
 * request); then each of the slowest requests (those above the p99, at least `atLeast`) with the pauses that overlap
 * it. Stalls include the GCs that caused them, so a thread's "stall" ms is its standstill and its "gc" ms the part
 * of it (or of other threads' work) that was collection.
 */
export function pausesReport(requests: RequestSpan[], pauses: Pause[], atLeast = 3): string[] {
  if (requests.length === 0) return [];
  const from = Math.min(...requests.map((r) => r.t));
  const to = Math.max(...requests.map((r) => r.t + r.ms));
  const within = pauses.filter((p) => p.t + p.ms >= from && p.t <= to);
  const byThread = new Map<string, { stalls: number; stallMs: number; gcs: number; gcMs: number; longest: number; heapsMB: number[] }>();
  for (const p of within) {
    const name = threadName(p);
    const s = byThread.get(name) ?? { stalls: 0, stallMs: 0, gcs: 0, gcMs: 0, longest: 0, heapsMB: [] };
    if (p.heapMB !== undefined) s.heapsMB.push(p.heapMB);
    // A GC is "gc:major", "gc:minor", …; a stall or a wait (a probe's slow commit) is time the thread stood still.
    if (p.kind.startsWith('gc')) {
      s.gcs += 1;
      s.gcMs += p.ms;
    } else {
      s.stalls += 1;
      s.stallMs += p.ms;
    }
    s.longest = Math.max(s.longest, p.ms);
    byThread.set(name, s);
  }
  const n = requests.length;
  const lines = [
    byThread.size === 0
      ? 'no thread of any service paused while they were sampled'
      : `pauses while sampled, per request: ${[...byThread]
          .sort((a, b) => b[1].stallMs + b[1].gcMs - (a[1].stallMs + a[1].gcMs))
          .map(([name, s]) => `${name} ${fmt(s.stallMs / n, 1)} ms stalled (${s.stalls}), ${fmt(s.gcMs / n, 1)} ms GC (${s.gcs}), longest ${fmt(s.longest, 0)} ms${heapAfter(s.heapsMB)}`)
          .join('; ')}`,
  ];
  const p99 = pct(requests.map((r) => r.ms), 99);
  const slowest = [...requests].sort((a, b) => b.ms - a.ms);
  const tail = slowest.filter((r, i) => i < atLeast || r.ms >= p99);
  for (const r of tail) {
    const hits = within
      .map((p) => ({ p, ms: overlapMs(p, r) }))
      .filter((h) => h.ms > 0)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 4);
    const during = hits.length ? hits.map(({ p, ms }) => `${threadName(p)} ${p.kind} ${fmt(ms, 0)} ms${p.heapMB !== undefined ? ` (heap ${p.heapMB} MB after)` : ''}${p.note ? ` (${p.note})` : ''}`).join(', ') : 'no pause of any service';
    lines.push(`  ${fmt(r.ms, 1)} ms at +${fmt((r.t - from) / 1000, 1)} s: ${during}`);
  }
  return lines;
}

/** ", heap after a major GC p50 X MB (largest Y)": what the thread's collector had to mark, when it said. */
function heapAfter(heapsMB: number[]): string {
  if (heapsMB.length === 0) return '';
  return `, heap after a major GC p50 ${fmt(pct(heapsMB, 50), 0)} MB (largest ${fmt(Math.max(...heapsMB), 0)})`;
}
