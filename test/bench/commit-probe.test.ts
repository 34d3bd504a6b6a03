/** bench:scale's commit probe on the real server: a commit held up by a lock is reported as a pause of Postgres. */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommitProbe } from '../../bench/commit-probe';
import { pausesReport } from '../../bench/pauses';

const SERVER = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/postgres';
const NAME = `commit_probe_${process.pid}_${Date.now().toString(36)}`;
const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
const dbUrl = (() => {
  const u = new URL(SERVER);
  u.pathname = `/${NAME}`;
  return u.toString();
})();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
      const probe = await startCommitProbe(dbUrl, { everyMs: 10, minMs: 100 });
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
      expect(summary).toMatch(new RegExp(`^Postgres commit probe: ${n} commits, p50 \\d+\\.\\d / p99 \\d+\\.\\d ms, longest \\d+ ms, ${pauses.length} ≥ 100 ms$`));
      expect(pauses.length).toBeGreaterThanOrEqual(1);
      const held = pauses.find((p) => p.ms >= 150)!;
      expect(held).toMatchObject({ process: 'Postgres', thread: 0, kind: 'commit' });
      expect(held.t).toBeGreaterThanOrEqual(heldFrom - 20);
      // A request in flight while the commit waited is laid against it, counted as time Postgres stood still.
      const lines = pausesReport([{ t: held.t, ms: held.ms + 5 }], pauses, 1);
      expect(lines[0]).toMatch(/^pauses while sampled, per request: Postgres \d+\.\d ms stalled \(\d+\), 0\.0 ms GC \(0\)/);
      expect(lines[1]).toMatch(/: Postgres commit \d+ ms/);
    } finally {
      await db.end();
    }
  });

  it('reports no pause when every commit is quicker than minMs', async () => {
    const probe = await startCommitProbe(dbUrl, { everyMs: 10, minMs: 10_000 });
    await sleep(80);
    const { pauses, summary } = await probe.stop();
    expect(pauses).toEqual([]);
    expect(summary).toMatch(/^Postgres commit probe: \d+ commits, .* 0 ≥ 10000 ms$/);
  });
});
