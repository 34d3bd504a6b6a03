/**
 * Calls a database function that takes one jsonb document (the devserver's `ds_apply_writes`, the read model's
 * `case_projection_apply`): a named prepared statement built once per executor, so postgres.js parses it once per
 * connection and sends one message per call, and drizzle does not rebuild the query text every time.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from './connection';

type Statement = { execute(params: { doc: string }): Promise<{ r: unknown }[]> };

/** `fn` is a trusted function name from this repository's migrations, never input. */
export function jsonFunctionCall(fn: string): (db: Executor, doc: string) => Promise<unknown> {
  const statements = new WeakMap<Executor, Statement>();
  return async (db, doc) => {
    let statement = statements.get(db);
    if (!statement) {
      statement = db
        .select({ r: sql<unknown>`${sql.raw(fn)}(${sql.placeholder('doc')}::jsonb)` })
        .from(sql`(select 1) as one`)
        .prepare(fn) as Statement;
      statements.set(db, statement);
    }
    const [row] = await statement.execute({ doc });
    return row?.r;
  };
}
