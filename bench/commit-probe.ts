/**
 * Postgres's commit latency while bench:scale samples: a slow decision that overlaps no pause of any thread waited
 * on something, and with synchronous commit every run write waits for its WAL to reach the disk. The probe commits a
 * one-row insert on its own connection every `everyMs` (a regular table: a temporary or unlogged one writes no WAL)
 * and reports each commit slower than `minMs` as a pause of "Postgres" (kind "commit"), laid against the requests
 * like the services' GCs and stalls (bench/pauses.ts). Its own load is one small commit per `everyMs`.
 */
import postgres from 'postgres';
import { pct } from './measure';
import { fmt } from './report';
import type { Pause } from './pauses';

export interface CommitProbe {
  /** Stops probing; the slow commits seen (as pauses) and a line that sums up every commit's latency. */
  stop(): Promise<{ pauses: Pause[]; summary: string }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts probing `dbUrl` (its table `bench_commit_probe` is created there if missing). */
export async function startCommitProbe(dbUrl: string, opts: { everyMs?: number; minMs?: number; now?: () => number } = {}): Promise<CommitProbe> {
  const everyMs = opts.everyMs ?? 50;
  const minMs = opts.minMs ?? 20;
  const now = opts.now ?? Date.now;
  const db = postgres(dbUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  await db`create table if not exists bench_commit_probe (at bigint not null)`;
  const latencies: number[] = [];
  const pauses: Pause[] = [];
  let running = true;
  let failure: unknown = null;
  const loop = (async () => {
    while (running) {
      const t = now();
      const t0 = performance.now();
      try {
        await db`insert into bench_commit_probe (at) values (${t})`;
      } catch (err) {
        failure = err;
        return;
      }
      const ms = performance.now() - t0;
      latencies.push(ms);
      if (ms >= minMs) pauses.push({ process: 'Postgres', thread: 0, kind: 'commit', t, ms });
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
          : `Postgres commit probe: ${latencies.length} commits, p50 ${fmt(pct(latencies, 50), 1)} / p99 ${fmt(pct(latencies, 99), 1)} ms, longest ${fmt(Math.max(...latencies), 0)} ms, ${pauses.length} ≥ ${minMs} ms`;
      return { pauses, summary };
    },
  };
}
