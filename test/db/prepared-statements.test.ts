/**
 * Repeated queries run as server-side prepared statements (db/prepared-statements.ts), in transactions too, and no
 * more than the bound allows. A throwaway Postgres of its own (as connection-loss.test.ts): the statements a session
 * holds are read from pg_prepared_statements on the one connection of the pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, rowsOf, type OpenDatabase } from '../../db/connection';
import { preparingSql } from '../../db/prepared-statements';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../bench/throwaway-postgres';

let pg: ThrowawayPostgres;
let opened: OpenDatabase<Record<string, never>>;

beforeAll(async () => {
  pg = await startThrowawayPostgres();
  opened = await openDatabase({ kind: 'postgres', url: pg.url() }, {}, { maxConnections: 1 });
}, 60_000);

afterAll(async () => {
  await opened?.close();
  await pg?.stop();
});

/** The statements the pool's one connection has prepared (a query without parameters: never prepared itself). */
async function preparedTexts(db: { execute: (q: ReturnType<typeof sql>) => Promise<unknown> }): Promise<string[]> {
  return rowsOf(await db.execute(sql`select statement from pg_prepared_statements`)).map((r: { statement: string }) => r.statement);
}

describe('prepared statements for repeated queries', () => {
  it('a query sent a second time is prepared on the server; once is not; the answers are the same', async () => {
    const { db } = opened;
    const query = () => db.execute(sql`select ${20}::int + 1 as answer /* repeated */`);
    expect(rowsOf(await query())).toEqual([{ answer: 21 }]);
    expect((await preparedTexts(db)).filter((t) => t.includes('/* repeated */'))).toEqual([]);
    expect(rowsOf(await query())).toEqual([{ answer: 21 }]);
    expect(rowsOf(await query())).toEqual([{ answer: 21 }]);
    expect((await preparedTexts(db)).filter((t) => t.includes('/* repeated */'))).toHaveLength(1);
  });

  it('inside a transaction too', async () => {
    const { db } = opened;
    const answers = await db.transaction(async (tx) => {
      const out: unknown[] = [];
      for (let i = 0; i < 3; i++) out.push(...rowsOf(await tx.execute(sql`select ${i}::int * 3 as tripled /* in a transaction */`)));
      expect((await preparedTexts(tx)).filter((t) => t.includes('/* in a transaction */'))).toHaveLength(1);
      return out;
    });
    expect(answers).toEqual([{ tripled: 0 }, { tripled: 3 }, { tripled: 6 }]);
  });

  it('prepares no more distinct texts than its bound: the others still run, unnamed', async () => {
    const pool = postgres(pg.url(), { max: 1, onnotice: () => {} });
    try {
      const wrapped = preparingSql(pool, { after: 1, max: 2 });
      for (const n of [1, 2, 3]) {
        const rows = await wrapped.sql.unsafe(`select $1::int as n${n}`, [n]);
        expect(rows[0][`n${n}`]).toBe(n);
      }
      expect(wrapped.stats().prepared).toBe(2);
      const held = (await pool.unsafe('select statement from pg_prepared_statements')).map((r) => r.statement as string);
      expect(held.filter((t) => /as n\d/.test(t)).sort()).toEqual(['select $1::int as n1', 'select $1::int as n2']);
    } finally {
      await pool.end({ timeout: 5 });
    }
  });
});
