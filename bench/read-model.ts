/**
 * Read-model latency at scale: seeds N projected cases in bulk (default 100,000: one SQL statement per table, about a
 * year of cases over 34 provinces, 20,000 applicants, 3 steps each, a fifth still open) into a scratch database, then
 * times list pages (a citizen's cases, an agency's work queue by province, search by procedure and status) and KPI
 * aggregates (overall, and by agency over a month) through the same query modules the API uses. Prints p50/p99.
 * Run alone: `tsx bench/read-model.ts` (READ_MODEL_CASES, BENCH_DATABASE_URL); `npm run bench` runs it last.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/connection';
import { listCases, listPersonCases, listWorkQueue } from '../db/engine/case-lists';
import { computeKpis } from '../db/engine/kpis';
import { wholeNumberEnv } from './env-options';

const PROCEDURES = ['birth-group', 'marriage-registration', 'death-group', 'permanent-residence'];

export async function seedReadModel(db: Executor, n: number): Promise<void> {
  const procs = sql.raw(`array[${PROCEDURES.map((p) => `'${p}'`).join(',')}]`);
  await db.execute(sql`
    insert into case_views (case_id, seq, procedure_id, procedure_version, applicant_id, channel, agencies, province_code, commune_code,
      status, outcome, active_states, received_at, dossier_complete_at, settled_at, deadline_at, on_time, settlement_working_days,
      fields_reused, fields_collected, population_data_used, electronic_result, snapshot, projected_at)
    select 'bench-' || i, 3, (${procs})[1 + i % 4], 1, lpad((i % 20000)::text, 12, '0'),
      (array['portal','vneid','counter'])[1 + i % 3], '{justice,police,vss}', lpad((1 + i % 34)::text, 2, '0'), lpad((i % 3000)::text, 5, '0'),
      case when i % 5 = 0 then 'in_progress' else 'closed' end, case when i % 5 = 0 then null else 'completed' end, '{}',
      r, r, case when i % 5 = 0 then null else r + (i % 4) * interval '1 day' end, r + interval '3 days',
      case when i % 5 = 0 then null else i % 4 < 3 end, case when i % 5 = 0 then null else i % 4 end,
      8, 2 + i % 3, i % 7 <> 0, i % 5 <> 0, '{}'::jsonb, now()
    from (select i, timestamptz '2026-01-01T00:00:00Z' + i * interval '5 minutes' as r from generate_series(1, ${n}) i) g`);
  await db.execute(sql`
    insert into case_parties (case_id, personal_id, role, received_at)
    select case_id, applicant_id, 'applicant', received_at from case_views where case_id like 'bench-%'
    union all
    select case_id, lpad(((substr(case_id, 7)::int * 7) % 50000 + 20000)::text, 12, '0'), 'child.personalId', received_at from case_views where case_id like 'bench-%'`);
  await db.execute(sql`
    insert into case_steps (case_id, step, agency, started_at, due_at, completed_at, on_time, working_days)
    select v.case_id, s.step, s.agency, v.received_at, v.deadline_at, v.settled_at, v.on_time, 2
      from case_views v cross join (values ('birth', 'justice'), ('residence', 'police'), ('insurance', 'vss')) s(step, agency)
     where v.case_id like 'bench-%'`);
  await db.execute(sql`
    insert into case_work_items (case_id, agency, events, since, due_at, procedure_id, province_code, commune_code)
    select case_id, case when substr(case_id, 7)::int % 2 = 0 then 'justice' else 'police' end, '{APPROVE}', received_at, deadline_at,
           procedure_id, province_code, commune_code
      from case_views where case_id like 'bench-%' and status = 'in_progress'`);
  await db.execute(sql`analyze`);
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function time(label: string, runs: number, run: (i: number) => Promise<unknown>, log: (m: string) => void): Promise<void> {
  await run(0); // warm caches and plans
  const ms: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const t0 = performance.now();
    await run(i);
    ms.push(performance.now() - t0);
  }
  log(`${label.padEnd(52)} p50 ${percentile(ms, 50).toFixed(1).padStart(7)} ms   p99 ${percentile(ms, 99).toFixed(1).padStart(7)} ms   (${runs} runs)`);
}

export async function benchReadModel(db: Executor, n: number, log: (m: string) => void): Promise<void> {
  const t0 = performance.now();
  await seedReadModel(db, n);
  log(`seeded ${n} projected cases (with parties, steps, work items) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const now = new Date('2026-12-31T00:00:00Z');
  const province = (i: number) => String(1 + (i % 34)).padStart(2, '0');
  await time('a citizen\'s cases (page of 20)', 200, (i) => listPersonCases(db, { personalId: String((i * 37) % 20000).padStart(12, '0'), limit: 20, now }), log);
  await time('work queue: police, one province (page of 50)', 200, (i) => listWorkQueue(db, { agency: 'police', provinceCode: province(i), limit: 50, now }), log);
  let cursor: string | undefined;
  await time('work queue: justice, next pages (page of 50)', 200, async () => {
    const page = await listWorkQueue(db, { agency: 'justice', limit: 50, cursor, now });
    cursor = page.nextCursor ?? undefined;
  }, log);
  await time('search: procedure + status, newest first (page of 50)', 200, (i) => listCases(db, { procedureId: PROCEDURES[i % 4], status: 'in_progress', limit: 50, now }), log);
  await time('search: one province, overdue only (page of 50)', 200, (i) => listCases(db, { provinceCode: province(i), overdue: true, limit: 50, now }), log);
  await time('KPIs: all cases, one month', 20, (i) => computeKpis(db, { from: `2026-${String(1 + (i % 9)).padStart(2, '0')}-01T00:00:00Z`, to: `2026-${String(2 + (i % 9)).padStart(2, '0')}-01T00:00:00Z`, now }), log);
  await time('KPIs: grouped by agency, one month', 20, (i) => computeKpis(db, { from: `2026-${String(1 + (i % 9)).padStart(2, '0')}-01T00:00:00Z`, to: `2026-${String(2 + (i % 9)).padStart(2, '0')}-01T00:00:00Z`, groupBy: 'agency', now }), log);
  await time('KPIs: grouped by province, whole year', 10, () => computeKpis(db, { groupBy: 'province', now }), log);
}

const isEntry = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
if (isEntry) {
  const { openRegistriesDatabase } = await import('../db/registries-database');
  const { parseDatabaseTarget } = await import('../db/connection');
  const n = wholeNumberEnv(process.env, 'READ_MODEL_CASES', 100_000);
  const target = parseDatabaseTarget(process.env.BENCH_DATABASE_URL ?? ':memory:', ':memory:');
  const opened = await openRegistriesDatabase(target);
  try {
    console.log(`read model at ${n} cases (${target.kind})`);
    await benchReadModel(opened.db, n, (m) => console.log(`  ${m}`));
  } finally {
    await opened.close();
  }
}
