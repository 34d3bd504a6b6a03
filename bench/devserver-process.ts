/**
 * The devserver in its own process, as `npm run devserver` runs it (benchmarks measure it apart from the
 * SDK worker and client in the bench process), and the CPU time of a process (Linux /proc).
 * It runs without authentication: these benches measure the devserver's protocol and storage, and their SDK worker
 * and client hold no credential (bench:scale runs its devserver with authentication on, bench/scale.ts).
 */
import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../devserver/harness/free-port';
import { counterByOperation, requestCounts } from '../devserver/metrics';
import { EXIT_WITH_BENCH } from './services';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What the devserver has counted so far (its metrics): calls by operation, run writes and the commits that carried them. */
export interface DevServerCounts {
  calls: Map<string, number>;
  /** Statements that wrote runs: one commit each, however many writes its group-commit batch carried. */
  commits: number;
  writes: number;
  /** Reads of its run cache and those that went to the database, by operation (RunState, HistoryEvents). */
  cacheReads?: Map<string, number>;
  cacheMisses?: Map<string, number>;
}

/** The devserver's counts now (all zero without metrics). */
export async function devServerCounts(d: { metricsUrl?: string } | undefined): Promise<DevServerCounts> {
  if (!d?.metricsUrl) return { calls: new Map(), commits: 0, writes: 0 };
  const res = await fetch(d.metricsUrl);
  if (!res.ok) throw new Error(`devserver metrics: HTTP ${res.status}`);
  const text = await res.text();
  return {
    calls: requestCounts(text),
    commits: counterByOperation(text, 'persistence_requests').get('ApplyWrites') ?? 0,
    writes: counterByOperation(text, 'persistence_batched_writes').get('ApplyWrites') ?? 0,
    cacheReads: counterByOperation(text, 'cache_requests'),
    cacheMisses: counterByOperation(text, 'cache_miss'),
  };
}

/**
 * The devserver's work between two counts, per operation of a bench (a case, a decision): its calls by kind, most
 * first, its run writes with the commits that carried them, and (when counted) its run cache's misses of its reads.
 */
export function devServerWork(before: DevServerCounts, after: DevServerCounts, operations: number): string {
  const calls = [...after.calls]
    .map(([op, n]) => [op, (n - (before.calls.get(op) ?? 0)) / operations] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = calls.reduce((a, [, n]) => a + n, 0);
  const writes = (after.writes - before.writes) / operations;
  const commits = (after.commits - before.commits) / operations;
  return (
    `${total.toFixed(1)} calls (${calls.map(([op, n]) => `${op} ${n.toFixed(1)}`).join(', ') || 'none'}), ` +
    `${writes.toFixed(1)} run writes in ${commits.toFixed(1)} commits${commits > 0 ? ` (group commit: ${(writes / commits).toFixed(1)} writes per commit)` : ''}` +
    cacheLine(before, after, operations)
  );
}

/** "; run cache misses: states 1.0 of 6.0 reads, history 0.8 of 1.9 reads" (nothing when the devserver did not count them). */
function cacheLine(before: DevServerCounts, after: DevServerCounts, operations: number): string {
  if (!after.cacheReads?.size) return '';
  const per = (m: Map<string, number> | undefined, b: Map<string, number> | undefined, op: string) => ((m?.get(op) ?? 0) - (b?.get(op) ?? 0)) / operations;
  const part = (label: string, op: string) => `${label} ${per(after.cacheMisses, before.cacheMisses, op).toFixed(1)} of ${per(after.cacheReads, before.cacheReads, op).toFixed(1)} reads`;
  return `; run cache misses: ${part('states', 'RunState')}, ${part('history', 'HistoryEvents')}`;
}

/** CPU seconds (user + system) in the text of a /proc `stat` file, of a process or of one of its threads. */
export function statCpuSeconds(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** CPU seconds (user + system) a process has used so far (Linux /proc). */
export function cpuSeconds(pid: number | undefined): number {
  try {
    return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return NaN;
  }
}

export interface DevServerProcess {
  address: string;
  pid?: number;
  /** Its Prometheus metrics (`--metrics-port`), when asked for. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

/**
 * Starts `devserver/main.ts` on a free port with `db`; `profileDir` records a CPU profile of it; `metrics` serves
 * its Prometheus metrics (calls per operation) on another free port.
 */
export async function spawnDevServer(db: string, profileDir?: string, opts: { metrics?: boolean; args?: string[] } = {}): Promise<DevServerProcess> {
  const port = await freePort();
  const metricsPort = opts.metrics ? await freePort() : undefined;
  const args = ['--import', 'tsx', ...EXIT_WITH_BENCH, 'devserver/main.ts', '--port', String(port), '--db', db, '--long-poll-ms', '20000'];
  if (metricsPort) args.push('--metrics-port', String(metricsPort));
  args.push(...(opts.args ?? []));
  if (profileDir) args.unshift('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready at')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`devserver exited with ${code}: ${out}`)));
  });
  return {
    address: `127.0.0.1:${port}`,
    pid: child.pid,
    metricsUrl: metricsPort ? `http://127.0.0.1:${metricsPort}/metrics` : undefined,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
