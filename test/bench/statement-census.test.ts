/**
 * The statement census (`npm run bench:statements`): its summary from made-up counts (the report's own code), and the
 * counting itself on a throwaway Postgres cluster started as the census starts it — a function's statements counted
 * apart from the call that ran them, per database, and nothing left after a reset — and the audit chain's ceiling
 * measured with the chain and without it, the trigger back on after.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditChainCeiling } from '../../bench/audit-chain-ceiling';
import { censusTotals, shortQuery, statementCensusSummary } from '../../bench/statement-census-report';
import { enableStatementCensus, readStatementCensus, resetStatementCensus, STATEMENT_CENSUS_SETTINGS, type StatementStat } from '../../bench/statement-census';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../bench/throwaway-postgres';

const stat = (over: Partial<StatementStat> & Pick<StatementStat, 'database' | 'query'>): StatementStat => ({
  toplevel: true,
  calls: 0,
  execMs: 0,
  planMs: 0,
  rows: 0,
  blocksHit: 0,
  blocksRead: 0,
  blocksDirtied: 0,
  walRecords: 0,
  walFullPageImages: 0,
  walBytes: 0,
  ...over,
});

describe('the statement census summary', () => {
  it('shortens a statement for a table cell: column lists elided, one line, no pipes, bounded', () => {
    expect(shortQuery('select "a", "b", "c", "d", "e", "f", "g", "h", "i" from "case_views" where "case_id" = $1')).toBe('select … from "case_views" where "case_id" = $1');
    expect(shortQuery('insert into "persons" ("personal_id", "full_name", "date_of_birth", "sex") values ($1, $2, $3, $4)')).toBe(
      'insert into "persons" (…) values ($1, $2, $3, $4)',
    );
    expect(shortQuery('select a\n   from t\twhere x || y')).toBe('select a from t where x ¦¦ y');
    const long = shortQuery(`select ${'x + '.repeat(100)}1`, 40);
    expect(long).toHaveLength(40);
    expect(long.endsWith('…')).toBe(true);
  });

  it('gives each database its figures per case from its top-level statements, the dearest statements first, nested ones apart', () => {
    const stats = [
      stat({ database: 'reg', query: 'insert into audit_log select $1', calls: 600, execMs: 1500, planMs: 10, rows: 900, walBytes: 102_400 }),
      // The same statement counted for a second user: merged with the first.
      stat({ database: 'reg', query: 'insert into audit_log select $1', calls: 100, execMs: 490, rows: 100 }),
      stat({ database: 'reg', query: 'select case_projection_apply($1::jsonb)', calls: 1000, execMs: 800, walBytes: 409_600 }),
      stat({ database: 'reg', query: 'SELECT last_seq FROM audit_chain_heads FOR UPDATE', toplevel: false, calls: 700, execMs: 1200 }),
      stat({ database: 'dev', query: 'select ds_apply_writes($1::jsonb)', calls: 1100, execMs: 660, walBytes: 1_024_000 }),
      stat({ database: 'other', query: 'select 1', calls: 5, execMs: 99_999 }),
    ];
    expect(censusTotals(stats, 'reg', 100)).toEqual({ statements: 17, execMs: 27.9, planMs: 0.1, walKb: 5, walFullPageImages: 0, blocksDirtied: 0 });

    const md = statementCensusSummary(stats, {
      cases: 100,
      heading: '100 cases at once',
      databases: [
        { name: 'reg', label: 'the engine and registries', backendCpuMs: 2100 },
        { name: 'dev', label: 'the devserver', backendCpuMs: 1300 },
      ],
    });
    const lines = md.split('\n');
    expect(lines[0]).toMatch(/^### npm run bench:statements — \d{4}-\d\d-\d\d \d\d:\d\d UTC · .* · 100 cases at once$/);
    // database, statements, ms in statements, planning, backends' CPU, WAL kB, full-page images, blocks dirtied
    expect(lines).toContain('| the engine and registries | 17.0 | 27.90 | 0.10 | 21.00 | 5.0 | 0.0 | 0.0 |');
    expect(lines).toContain('| the devserver | 11.0 | 6.60 | 0.00 | 13.00 | 10.0 | 0.0 | 0.0 |');
    // The audit insert (2000 ms of 2800 in all: 71 %) before the projection (800 ms: 29 %); per case, per call, rows per call.
    const audit = lines.findIndex((l) => l.startsWith('| `insert into audit_log select $1` |'));
    const projection = lines.findIndex((l) => l.startsWith('| `select case_projection_apply($1::jsonb)` |'));
    expect(lines[audit]).toBe('| `insert into audit_log select $1` | 7.0 | 2.857 | 20.00 | 71% | 1.4 | 1.0 |');
    expect(lines[projection]).toBe('| `select case_projection_apply($1::jsonb)` | 10.0 | 0.800 | 8.00 | 29% | 0.0 | 4.0 |');
    expect(audit).toBeLessThan(projection);
    // The trigger's statement under the nested heading, its share of the database's top-level time.
    const nestedHeading = lines.findIndex((l) => l.startsWith('#### the engine and registries: run inside functions and triggers'));
    const chainHead = lines.findIndex((l) => l.startsWith('| `SELECT last_seq FROM audit_chain_heads FOR UPDATE` |'));
    expect(nestedHeading).toBeGreaterThan(projection);
    expect(lines[chainHead]).toBe('| `SELECT last_seq FROM audit_chain_heads FOR UPDATE` | 7.0 | 1.714 | 12.00 | 43% | 0.0 | 0.0 |');
    // A database not asked for is in no table; one without nested statements has no nested table.
    expect(md).not.toContain('select 1`');
    expect(md).not.toContain('#### the devserver: run inside functions');
  });
});

describe('the statement census on a throwaway cluster', () => {
  let pg: ThrowawayPostgres | undefined;
  let admin: postgres.Sql;
  beforeAll(async () => {
    pg = await startThrowawayPostgres(STATEMENT_CENSUS_SETTINGS);
    admin = postgres(pg.url(), { max: 1, onnotice: () => {} });
    await admin`create database census_a`;
    await admin`create database census_b`;
    await admin`create database census_c`;
    await enableStatementCensus(admin);
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    pg?.stop();
  });

  it("counts a function's statements apart from its call, per database, and nothing after a reset", async () => {
    const a = postgres(pg!.url('census_a'), { max: 1, onnotice: () => {} });
    const b = postgres(pg!.url('census_b'), { max: 1, onnotice: () => {} });
    try {
      await a`create table t (n int)`;
      await a.unsafe(`create function add_one(v int) returns int language plpgsql as $$ begin insert into t values (v); return v; end $$`);
      await b`select 1`;
      await resetStatementCensus(admin);
      for (let i = 0; i < 3; i++) await a`select add_one(${i}::int)`;
      await b`select 2 + ${1}::int`;

      const stats = await readStatementCensus(admin, ['census_a']);
      const call = stats.find((s) => s.toplevel && s.query.includes('add_one'));
      const insert = stats.find((s) => !s.toplevel && /insert into t/i.test(s.query));
      expect(call).toMatchObject({ database: 'census_a', calls: 3, rows: 3 });
      expect(insert).toMatchObject({ database: 'census_a', calls: 3, rows: 3 });
      expect(insert!.walBytes).toBeGreaterThan(0);
      // The call's time includes the statement it ran.
      expect(call!.execMs).toBeGreaterThanOrEqual(insert!.execMs);
      expect(stats.every((s) => s.database === 'census_a')).toBe(true);
      expect((await readStatementCensus(admin, ['census_b'])).some((s) => /^select \$\d \+ \$\d::int$/.test(s.query))).toBe(true);

      await resetStatementCensus(admin);
      expect(await readStatementCensus(admin, ['census_a', 'census_b'])).toEqual([]);
    } finally {
      await a.end();
      await b.end();
    }
  }, 60_000);

  it('measures the audit chain: every transaction counted is a row, chained with the trigger, not without, the trigger on after', async () => {
    const url = pg!.url('census_c');
    const chained = await auditChainCeiling(url, { writers: 2, seconds: 0.3, chain: true });
    const unchained = await auditChainCeiling(url, { writers: 2, seconds: 0.3, chain: false });
    expect(chained).toMatchObject({ writers: 2, chain: true });
    expect(chained.transactions).toBeGreaterThan(0);
    expect(unchained.transactions).toBeGreaterThan(0);
    expect(chained.perSecond).toBeGreaterThan(0);
    const c = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [rows] = await c<{ chained: number; unchained: number }[]>`
        select count(*) filter (where hash <> '')::int as chained, count(*) filter (where hash = '')::int as unchained from audit_log`;
      expect(rows).toEqual({ chained: chained.transactions, unchained: unchained.transactions });
      const [trigger] = await c<{ tgenabled: string }[]>`select tgenabled from pg_trigger where tgname = 'audit_log_chain'`;
      expect(trigger.tgenabled).toBe('O');
    } finally {
      await c.end();
    }
  }, 60_000);
});
