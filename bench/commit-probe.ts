/**
 * Postgres's commit latency while bench:scale samples: a slow decision that overlaps no pause of any thread waited
 * on something, and with synchronous commit every run write waits for its WAL to reach the disk. The probe commits a
 * one-row insert on its own connection every `everyMs` (a regular table: a temporary or unlogged one writes no WAL)
 * and reports each commit slower than `minMs` as a pause of "Postgres" (kind "commit"), laid against the requests
 * like the services' GCs and stalls (bench/pauses.ts). Its own load is one small commit per `everyMs`.
 * Around each commit it reads the kernel's I/O state (bench/kernel-io.ts): a slow commit says how much page cache was
 * being written back and how many I/Os were in flight, and the summary sets the slow commits' against the others'.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { kernelIoReader, type KernelIo } from './kernel-io';
import { pct } from './measure';
import { fmt } from './report';
import type { Pause } from './pauses';

export interface CommitProbe {
  /** Stops probing; the slow commits seen (as pauses) and a line that sums up every commit's latency. */
  stop(): Promise<{ pauses: Pause[]; summary: string }>;
}

const mb = (kb: number) => fmt(kb / 1024, 1);

/** The busier of two readings (before and after a commit): the state the commit may have waited behind. */
const busier = (a: KernelIo | null, b: KernelIo | null): KernelIo | null =>
  a && b ? { dirtyKb: Math.max(a.dirtyKb, b.dirtyKb), writebackKb: Math.max(a.writebackKb, b.writebackKb), inFlight: Math.max(a.inFlight, b.inFlight) } : (a ?? b);

/** "writeback 12.0 MB, 3 I/Os in flight, 640.2 MB dirty"; `stat` ("p50") says the figures sum up several readings. */
const ioText = (k: KernelIo, stat = '') =>
  `writeback ${stat ? `${stat} ` : ''}${mb(k.writebackKb)} MB, ${fmt(k.inFlight, 0)} I/Os in flight, ${mb(k.dirtyKb)} MB dirty`;

/** The medians of the readings of a set of commits, as `ioText` says them. */
function ioSummary(readings: KernelIo[]): string {
  if (readings.length === 0) return 'none';
  const p50 = (f: (k: KernelIo) => number) => pct(readings.map(f), 50);
  return ioText({ writebackKb: p50((k) => k.writebackKb), inFlight: p50((k) => k.inFlight), dirtyKb: p50((k) => k.dirtyKb) }, 'p50');
}

/** Starts probing `dbUrl` (its table `bench_commit_probe` is created there if missing). */
export async function startCommitProbe(
  dbUrl: string,
  opts: { everyMs?: number; minMs?: number; now?: () => number; kernelIo?: () => KernelIo | null } = {},
): Promise<CommitProbe> {
  const everyMs = opts.everyMs ?? 50;
  const minMs = opts.minMs ?? 20;
  const now = opts.now ?? Date.now;
  const kernelIo = opts.kernelIo ?? kernelIoReader();
  const db = postgres(dbUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  await db`create table if not exists bench_commit_probe (at bigint not null)`;
  const latencies: number[] = [];
  const pauses: Pause[] = [];
  const slowIo: KernelIo[] = [];
  const otherIo: KernelIo[] = [];
  let running = true;
  let failure: unknown = null;
  const loop = (async () => {
    while (running) {
      const t = now();
      const ioBefore = kernelIo();
      const t0 = performance.now();
      try {
        await db`insert into bench_commit_probe (at) values (${t})`;
      } catch (err) {
        failure = err;
        return;
      }
      const ms = performance.now() - t0;
      const io = busier(ioBefore, kernelIo());
      latencies.push(ms);
      if (ms >= minMs) {
        pauses.push({ process: 'Postgres', thread: 0, kind: 'commit', t, ms, ...(io ? { note: `kernel: ${ioText(io)}` } : {}) });
        if (io) slowIo.push(io);
      } else if (io) otherIo.push(io);
      await sleep(Math.max(0, everyMs - ms));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await db.end();
      if (failure) throw failure;
      const summary =
        latencies.length === 0
          ? 'Postgres commit probe: no commit'
          : `Postgres commit probe: ${latencies.length} commits, p50 ${fmt(pct(latencies, 50), 1)} / p99 ${fmt(pct(latencies, 99), 1)} ms, longest ${fmt(Math.max(...latencies), 0)} ms, ${pauses.length} ≥ ${minMs} ms` +
            (slowIo.length + otherIo.length === 0 ? '' : `; kernel at the slow commits: ${ioSummary(slowIo)}; at the others: ${ioSummary(otherIo)}`);
      return { pauses, summary };
    },
  };
}
