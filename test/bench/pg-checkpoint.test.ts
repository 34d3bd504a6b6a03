/** bench:scale's checkpoint before sampling and its count of checkpoints during the samples, on the real server. */
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointNow, checkpointsSoFar, walPerOperation, walSoFar } from '../../bench/pg-table-stats';

const SERVER = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/postgres';
const admin = postgres(SERVER, { max: 1, onnotice: () => {} });
afterAll(() => admin.end());

describe("bench:scale's Postgres checkpoints", () => {
  it('a checkpoint asked before sampling is one more the server counts', async () => {
    const before = await checkpointsSoFar(admin);
    expect(before).toEqual(expect.any(Number));
    expect(await checkpointNow(admin)).toMatch(/^checkpoint: the opening's writes flushed before sampling \(\d+\.\d s\)$/);
    expect((await checkpointsSoFar(admin))! - before!).toBeGreaterThanOrEqual(1);
  });
});

describe("bench:scale's WAL per decision (pg_stat_wal)", () => {
  it('counts the full-page images the first change to a page after a checkpoint writes', async () => {
    const table = `wal_probe_${process.pid}_${Date.now().toString(36)}`;
    await admin.unsafe(`create table ${table} (id int primary key, v int)`);
    try {
      await admin.unsafe(`insert into ${table} select g, 0 from generate_series(1, 2000) g`);
      await checkpointNow(admin);
      const before = await walSoFar(admin);
      await admin.unsafe(`update ${table} set v = v + 1`);
      // This backend reports its WAL to pg_stat_wal when idle, at most once a second: make that report now.
      await admin.unsafe('select pg_stat_force_next_flush()');
      await admin.unsafe('select 1');
      const after = await walSoFar(admin);
      expect(before).not.toBeNull();
      expect(after!.records - before!.records).toBeGreaterThanOrEqual(2000);
      expect(after!.fullPages - before!.fullPages).toBeGreaterThanOrEqual(1);
      expect(after!.bytes).toBeGreaterThan(before!.bytes);
      expect(walPerOperation(before, after, 2000)).toMatch(/^WAL per decision: \d+\.\d records, \d+\.\d full-page images, \d+\.\d KB$/);
      expect(walPerOperation(null, after, 1)).toBe('WAL: unknown (pg_stat_wal cannot be read)');
    } finally {
      await admin.unsafe(`drop table if exists ${table}`);
    }
  });
});
