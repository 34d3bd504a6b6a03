/** bench:scale's checkpoint before sampling and its count of checkpoints during the samples, on the real server. */
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointNow, checkpointsSoFar } from '../../bench/pg-table-stats';

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
