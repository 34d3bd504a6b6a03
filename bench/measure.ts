/**
 * What the benchmarks measure about processes and latencies (Linux /proc): CPU seconds of a process and of the
 * Postgres processes working for one database, resident memory, percentiles, and the time a workflow spent at
 * its worker according to its history.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, statCpuSeconds } from './devserver-process';

export { cpuSeconds };

/** The p-th percentile (nearest rank) of `xs`; NaN for none. */
export function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const median = (xs: number[]) => pct(xs, 50);

/** Resident memory of a process in MB (Linux /proc), NaN when it is gone. */
export function rssMb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds so far of each Postgres server process that works for `database` (or any of several): its backends
 * and the shared processes (WAL writer, checkpointer, …; left out with `backendsOnly`). Backends of other databases
 * (other users of the server) are left out.
 */
export function postgresCpu(database: string | string[], opts: { backendsOnly?: boolean } = {}): Map<number, number> {
  const databases = new Set(typeof database === 'string' ? [database] : database);
  const out = new Map<number, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres')) continue;
      // A backend: "postgres: [cluster: ]user database host(port) state".
      const backend = /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])/.exec(cmd);
      if (backend ? !databases.has(backend[1]) : opts.backendsOnly) continue;
      out.set(Number(pid), cpuSeconds(Number(pid)));
    } catch {
      /* process gone */
    }
  }
  return out;
}

/** Postgres CPU seconds since `before` (backends come and go: one that exited meanwhile is lost, never negative). */
export function postgresCpuSince(database: string | string[] | null, before: Map<number, number>, opts: { backendsOnly?: boolean } = {}): number {
  if (database == null) return 0;
  let total = 0;
  for (const [pid, cpu] of postgresCpu(database, opts)) {
    const d = cpu - (before.get(pid) ?? 0);
    if (Number.isFinite(d) && d > 0) total += d;
  }
  return total;
}

/** The database name of a postgres:// URL. */
export const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

/** CPU seconds of this process (all its threads). */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const tsMs = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
export { tsMs };

/**
 * Milliseconds a workflow's tasks spent at the worker: each workflow task from started to completed, each
 * activity from started to closed (both include the network hop back). The rest of the start-to-result
 * latency is the server's (start, commits, dispatch) and the client's.
 */
export function timeAtWorker(events: { eventTime?: { seconds?: unknown; nanos?: number | null } | null; [k: string]: any }[]): number {
  const at = new Map<number, number>();
  let total = 0;
  for (const e of events) {
    const id = Number(e.eventId);
    const t = tsMs(e.eventTime);
    if (e.workflowTaskStartedEventAttributes || e.activityTaskStartedEventAttributes) at.set(id, t);
    const closed = e.workflowTaskCompletedEventAttributes ?? e.activityTaskCompletedEventAttributes;
    const started = closed ? at.get(Number(closed.startedEventId)) : undefined;
    if (started != null) total += t - started;
  }
  return total;
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (Linux /proc/stat: every process, ours or not). */
export function machineTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = f[3] + f[4]; // idle + iowait
  return { busy: total - idle, total };
}

/** Share of the machine's CPU (0..1, all cores) busy since `before`. */
export function machineBusySince(before: { busy: number; total: number }): number {
  const now = machineTicks();
  return (now.busy - before.busy) / Math.max(1, now.total - before.total);
}

/**
 * CPU seconds so far of this process's threads, by kind (Linux /proc/self/task): the main JavaScript thread, the
 * Temporal SDK core's Rust runtime (`tokio-runtime-w…`), and the other threads — Node's worker threads (the SDK's
 * workflow thread) and V8's helpers (concurrent compilation and garbage collection) share the name `node`. Threads
 * that have ended are not listed (their time still counts in process.cpuUsage()).
 */
export function threadCpu(): { main: number; sdkCore: number; others: number } {
  const out = { main: 0, sdkCore: 0, others: 0 };
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const seconds = statCpuSeconds(stat);
      if (Number(tid) === process.pid) out.main += seconds;
      else if (name.startsWith('tokio-runtime')) out.sdkCore += seconds;
      else out.others += seconds;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}
