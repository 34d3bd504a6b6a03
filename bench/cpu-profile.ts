/**
 * Where a process spends its CPU, from the V8 profiles that `node --cpu-prof` writes when it exits: self time
 * by area (a package under node_modules, a file of this repository, a Node core module, the garbage collector,
 * native code), counting only the samples taken inside given time windows (e.g. the measured batches, leaving
 * out start-up and warm-up). Sample times are V8's monotonic clock in µs, the clock of process.hrtime() on Linux.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Now on the profiles' clock (µs). */
export const profileClockUs = () => Number(process.hrtime.bigint() / 1000n);

/** The area a function belongs to, e.g. "postgres", "@temporalio/proto", "devserver/history/store.ts", "node:internal/http2". */
export function areaOf(callFrame: { functionName: string; url: string }): string {
  const { url, functionName } = callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return url.split('/').slice(0, -1).join('/') || url;
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}

/**
 * The area of every node of a profile. A native function without a script (a Buffer copy, a socket write, a
 * regexp…) is put down to the area that called it, "(native, from X)", so its cost shows where it is incurred.
 */
function areasOf(p: CpuProfile): Map<number, string> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = out.get(id);
    if (known) return known;
    const n = byId.get(id)!;
    let a = areaOf(n.callFrame);
    if (a.startsWith('(native)')) {
      let up = parent.get(id);
      while (up != null && areaOf(byId.get(up)!.callFrame).startsWith('(native)')) up = parent.get(up);
      const from = up == null ? null : resolve(up);
      a = from && !from.startsWith('(') ? `(native, from ${from.replace(/^\(native, from (.*)\)$/, '$1')})` : a;
    }
    out.set(id, a);
    return a;
  };
  for (const n of p.nodes) resolve(n.id);
  return out;
}

/** The pseudo-area of the time a thread was not running between two samples (see selfTimeByArea). */
export const WAITING_FOR_A_CORE = '(waiting for a core)';

/** The median gap between samples: the profile's sampling interval as it ran. */
function samplingIntervalUs(deltas: readonly number[]): number {
  const sorted = deltas.filter((d) => d > 0).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 1000;
}

/**
 * Milliseconds of self time per area over every profile in `dir`, counting samples inside `windows`
 * ([startUs, endUs] pairs); idle samples are left out. Sorted, largest first.
 * V8 samples on wall-clock ticks: a thread preempted (on a machine with every core busy) is sampled again only when it
 * runs, and the whole wait would count to the frame it was preempted in — typically where it woke another thread or
 * process (a socket write, a postMessage). So a gap longer than twice the sampling interval counts one interval or
 * less to its frame and the rest to WAITING_FOR_A_CORE: the areas are the time the thread ran.
 */
export function selfTimeByArea(dir: string, windows: [number, number][]): { area: string; ms: number }[] {
  const byArea = new Map<string, number>();
  const add = (a: string, ms: number) => ms > 0 && byArea.set(a, (byArea.get(a) ?? 0) + ms);
  const inWindow = (t: number) => windows.some(([a, b]) => t >= a && t <= b);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const area = areasOf(p);
    const interval = samplingIntervalUs(p.timeDeltas);
    let t = p.startTime;
    for (let i = 0; i < p.samples.length; i++) {
      t += p.timeDeltas[i];
      const a = area.get(p.samples[i]) ?? '?';
      if (a === '(idle)' || !inWindow(t)) continue;
      // A sample stands for the time until the next one.
      const gap = p.timeDeltas[i + 1] ?? p.timeDeltas[i];
      const ran = gap > 2 * interval ? interval : gap;
      add(a, ran / 1000);
      add(WAITING_FOR_A_CORE, (gap - ran) / 1000);
    }
  }
  return [...byArea].map(([area, ms]) => ({ area, ms })).sort((a, b) => b.ms - a.ms);
}

/** selfTimeByArea's answer split: the areas the thread ran in, and the time it waited for a core. */
export function runningAndWaiting(all: { area: string; ms: number }[]): { areas: { area: string; ms: number }[]; waitingMs: number } {
  return { areas: all.filter((a) => a.area !== WAITING_FOR_A_CORE), waitingMs: all.find((a) => a.area === WAITING_FOR_A_CORE)?.ms ?? 0 };
}
