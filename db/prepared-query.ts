/**
 * What is built once per executor (the database, or a transaction) and reused: `perExecutor` for anything (a group
 * commit on a database handle), `preparedQuery` for a drizzle query with placeholders for its parameters, for the
 * hottest reads: drizzle otherwise builds the query text on every call (measured here: ~40 µs for a 13-column select,
 * ~75 µs for the read model's 20-column case row; a case reads its row a dozen times). The text it sends is the same
 * each time, so Postgres also gets it as a server-side prepared statement (db/prepared-statements.ts).
 */
import type { Executor } from './connection';

interface Prepared<P, R> {
  execute(params: P): Promise<R>;
}

/** `make(db)` once per executor (held as long as the executor is). */
export function perExecutor<T>(make: (db: Executor) => T): (db: Executor) => T {
  const made = new WeakMap<Executor, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) made.set(db, (value = make(db)));
    return value;
  };
}

/** `build` prepares the query on `db` (`….prepare(name)`, parameters as `sql.placeholder`); it runs once per executor. */
export function preparedQuery<P extends Record<string, unknown>, R>(build: (db: Executor) => Prepared<P, R>): (db: Executor, params: P) => Promise<R> {
  const statementOf = perExecutor(build);
  return (db, params) => statementOf(db).execute(params);
}
