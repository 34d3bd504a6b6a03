/** bench:scale's commit probe on the real server: a commit held up by a lock is reported as a pause of Postgres. */
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommitProbe } from '../../bench/commit-probe';
import { pausesReport } from '../../bench/pauses';
import { withDatabaseName } from '../../db/connection';

const SERVER = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = `commit_probe_${process.pid}_${Date.now().toString(36)}`;
const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
const dbUrl = withDatabaseName(SERVER, NAME);

beforeAll(async () => {
  await admin.unsafe(`create database ${NAME}`);
});
afterAll(async () => {
  await admin.unsafe(`drop database if exists ${NAME} with (force)`);
  await admin.end();
});

describe("bench:scale's commit probe (bench/commit-probe.ts)", () => {
  it('commits one row per probe and reports a commit held up past minMs as a pause that a slow request overlaps', async () => {
    const db = postgres(dbUrl, { max: 1, onnotice: () => {} });
    try {
      // The kernel's readings alternate, one before and one after each commit: a slow commit carries the busier of each.
      let reads = 0;
      const kernelIo = () => (reads++ % 2 === 0 ? { dirtyKb: 2048, writebackKb: 0, inFlight: 1 } : { dirtyKb: 1024, writebackKb: 1536, inFlight: 3 });
      const probe = await startCommitProbe(dbUrl, { everyMs: 10, minMs: 100, kernelIo });
      await sleep(60);
      // Another session holds the table for 250 ms: the probe's insert waits for it, as a commit waits for a slow disk.
      const heldFrom = Date.now();
      await db.begin(async (tx) => {
        await tx`lock table bench_commit_probe in access exclusive mode`;
        await sleep(250);
      });
      await sleep(60);
      const { pauses, summary } = await probe.stop();
      const [{ n }] = await db<{ n: number }[]>`select count(*)::int as n from bench_commit_probe`;
      expect(n).toBeGreaterThanOrEqual(3);
      expect(reads).toBe(2 * n);
      const kernel = 'writeback p50 1.5 MB, 3 I/Os in flight, 2.0 MB dirty';
      expect(summary).toMatch(
        new RegExp(`^Postgres commit probe: ${n} commits, p50 \\d+\\.\\d / p99 \\d+\\.\\d ms, longest \\d+ ms, ${pauses.length} ≥ 100 ms; kernel at the slow commits: ${kernel}; at the others: ${kernel}$`),
      );
      expect(pauses.length).toBeGreaterThanOrEqual(1);
      const held = pauses.find((p) => p.ms >= 150)!;
      expect(held).toMatchObject({ process: 'Postgres', thread: 0, kind: 'commit', note: 'kernel: writeback 1.5 MB, 3 I/Os in flight, 2.0 MB dirty' });
      expect(held.t).toBeGreaterThanOrEqual(heldFrom - 20);
      // A request in flight while the commit waited is laid against it, counted as time Postgres stood still.
      const lines = pausesReport([{ t: held.t, ms: held.ms + 5 }], pauses, 1);
      expect(lines[0]).toMatch(/^pauses while sampled, per request: Postgres \d+\.\d ms stalled \(\d+\), 0\.0 ms GC \(0\)/);
      expect(lines[1]).toMatch(/: Postgres commit \d+ ms \(kernel: writeback 1\.5 MB, 3 I\/Os in flight, 2\.0 MB dirty\)/);
    } finally {
      await db.end();
    }
  });

  it("reports no pause when every commit is quicker than minMs, with this machine's kernel beside the others", async () => {
    const probe = await startCommitProbe(dbUrl, { everyMs: 10, minMs: 10_000 });
    await sleep(80);
    const { pauses, summary } = await probe.stop();
    expect(pauses).toEqual([]);
    const kernel = process.platform === 'linux' ? '; kernel at the slow commits: none; at the others: writeback p50 \\d+\\.\\d MB, \\d+ I/Os in flight, \\d+\\.\\d MB dirty' : '';
    expect(summary).toMatch(new RegExp(`^Postgres commit probe: \\d+ commits, .* 0 ≥ 10000 ms${kernel}$`));
  });

  it('says nothing of the kernel where it cannot be read', async () => {
    const probe = await startCommitProbe(dbUrl, { everyMs: 10, minMs: 10_000, kernelIo: () => null });
    await sleep(40);
    const { summary } = await probe.stop();
    expect(summary).toMatch(/^Postgres commit probe: \d+ commits, p50 [\d.]+ \/ p99 [\d.]+ ms, longest \d+ ms, 0 ≥ 10000 ms$/);
  });
});
