/**
 * Calls a database function that takes one jsonb document (the devserver's `ds_apply_writes`, the read model's
 * `case_projection_apply`): a named prepared statement built once per executor, so postgres.js parses it once per
 * connection and sends one message per call, and drizzle does not rebuild the query text every time.
 * `jsonFunctionCalls` calls it on each document of an array in one statement (a group commit's batch).
 */
import { sql } from 'drizzle-orm';
import type { Executor } from './connection';
import { preparedQuery } from './prepared-query';

/** `fn` is a trusted function name from this repository's migrations, never input. */
export function jsonFunctionCall(fn: string): (db: Executor, doc: string) => Promise<unknown> {
  const call = preparedQuery((db) =>
    db
      .select({ r: sql<unknown>`${sql.raw(fn)}(${sql.placeholder('doc')}::jsonb)` })
      .from(sql`(select 1) as one`)
      .prepare(fn),
  );
  return async (db, doc) => {
    const [row] = await call(db, { doc });
    return row?.r;
  };
}

/**
 * `fn` on each document of `docs` in one statement and one transaction (all or nothing), results in the documents'
 * order. `fn` is a trusted function name from this repository's migrations, never input.
 */
export function jsonFunctionCalls(fn: string): (db: Executor, docs: readonly string[]) => Promise<unknown[]> {
  const call = preparedQuery((db) =>
    db
      .select({ r: sql<unknown>`${sql.raw(fn)}(t.d)` })
      .from(sql`jsonb_array_elements(${sql.placeholder('docs')}::jsonb) with ordinality as t(d, i)`)
      .orderBy(sql`t.i`)
      .prepare(`${fn}_each`),
  );
  return async (db, docs) => {
    const rows = await call(db, { docs: `[${docs.join(',')}]` });
    if (rows.length !== docs.length) throw new Error(`${fn}: ${rows.length} results for ${docs.length} documents`);
    return rows.map((row) => row.r);
  };
}
