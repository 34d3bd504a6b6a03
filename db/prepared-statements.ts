/**
 * Server-side prepared statements for the queries a process repeats. drizzle sends every query as an unnamed
 * statement (postgres.js `unsafe` with `prepare: false`), so Postgres parses and plans it again each time: on the
 * birth-group bench that was ~17 % of the server's CPU per case (docs/performance.md). Through this wrapper a query
 * text with parameters that has been sent `after` times is sent as a named statement from then on (postgres.js
 * keeps one per connection, keyed by its text, and re-prepares it when a migration changes what it reads).
 *
 * Bounded: at most `max` distinct texts are ever prepared per pool (the fixed-shape queries of the engine are a few
 * dozen; ad-hoc shapes such as visibility queries, beyond that, run unnamed as before), and the counts of texts not
 * prepared yet are forgotten when they exceed `maxCounted`.
 */
import type { Sql } from 'postgres';

export interface PreparedStatementOptions {
  /** Sends of a text before it is prepared (2: a query run once, e.g. a migration step, is never prepared). */
  after?: number;
  /** Distinct texts prepared at most (per pool: each of its connections holds its own copy on the server). */
  max?: number;
  /** Texts counted at most before the counts start again. */
  maxCounted?: number;
}

/** What the wrapper decided so far (for tests and metrics). */
export interface PreparedStatementStats {
  prepared: number;
  counted: number;
}

export interface PreparingSql {
  sql: Sql;
  stats(): PreparedStatementStats;
}

/** Wraps a postgres.js pool so its repeated parameterised queries (in transactions and savepoints too) are prepared. */
export function preparingSql(pool: Sql, options: PreparedStatementOptions = {}): PreparingSql {
  const after = options.after ?? 2;
  const max = options.max ?? 200;
  const maxCounted = options.maxCounted ?? 10_000;
  const prepared = new Set<string>();
  const counts = new Map<string, number>();

  const shouldPrepare = (text: string): boolean => {
    if (prepared.has(text)) return true;
    if (prepared.size >= max) return false;
    const n = (counts.get(text) ?? 0) + 1;
    if (n < after) {
      if (counts.size >= maxCounted) counts.clear();
      counts.set(text, n);
      return false;
    }
    counts.delete(text);
    prepared.add(text);
    return true;
  };

  type Callback = (s: Sql) => unknown;
  const wrap = (target: Sql): Sql => {
    // Made once per pool or transaction handle, not on every query.
    const unsafe = (text: string, args?: unknown[], opts?: Record<string, unknown>) =>
      // A query without parameters goes by the simple protocol (possibly several statements): left as it is.
      Array.isArray(args) && args.length > 0 && shouldPrepare(text)
        ? target.unsafe(text, args as never, { ...opts, prepare: true })
        : target.unsafe(text, args as never, opts);
    // The callback's transaction (or savepoint) handle is wrapped the same way.
    const scoped = (method: 'begin' | 'savepoint') => (...a: unknown[]) => {
      const callback = a.pop() as Callback;
      const original = (target as unknown as Record<string, (...b: unknown[]) => unknown>)[method];
      return original.call(target, ...a, (inner: Sql) => callback(wrap(inner)));
    };
    const own = new Map<string | symbol, unknown>([['unsafe', unsafe], ['begin', scoped('begin')], ['savepoint', scoped('savepoint')]]);
    return new Proxy(target, {
      get(t, prop, receiver) {
        if (own.has(prop)) return own.get(prop);
        const value = Reflect.get(t, prop, receiver);
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
  };

  return { sql: wrap(pool), stats: () => ({ prepared: prepared.size, counted: counts.size }) };
}
