/**
 * `npm run bench:statements` — the statement census: where a birth-group case's Postgres time goes, statement by
 * statement (issue 18, item 2: Postgres is a quarter to a third of a case's CPU in `npm run bench`, which shows it as
 * one figure per database). The stack runs as `npm run bench`'s third run has it — the devserver in its own process,
 * the engine, the agencies and the case service in this one, officers automated, payloads encrypted — on a throwaway
 * Postgres cluster that preloads `pg_stat_statements` (bench/statement-census.ts). After WARMUP_CASES (in batches of
 * CASES, so every plan is cached and every pool is full), the counts are reset, CASES cases run at once, and the
 * summary gives per database (the engine and registries; the devserver) the statements, time, planning, its backends'
 * CPU and WAL per case, then its dearest statements, top-level and inside functions and triggers.
 * The automated officers' reads of the read model (every POLL_MS, as the applicant) are among the engine's statements.
 * Last, on a database of its own, the audit chain's ceiling (bench/audit-chain-ceiling.ts): audited transactions per
 * second with 1, 4 and 16 writers, with the chain and without, alternating.
 * Options: CASES (100 at once), WARMUP_CASES (200), POLL_MS (250), SEED_PEOPLE (10,000), BENCH_STATEMENTS_TOP (12 per
 * table), BENCH_CEILING_SECONDS (5 per measurement; 0: no ceiling phase).
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import postgres from 'postgres';
import { startStack, type Stack } from '../scripts/stack';
import { ephemeralDataConverter } from '../worker/codec/data-converter';
import { auditChainCeiling, type CeilingFigure } from './audit-chain-ceiling';
import { pickFamilies, runBirthCase, type Family } from './birth-application';
import { devServerCounts, devServerWork, spawnDevServer, type DevServerProcess } from './devserver-process';
import { wholeNumberEnv } from './env-options';
import { postgresCpu, postgresCpuSince } from './measure';
import { fmt, markdownTable, phaseProgress, progress } from './report';
import { enableStatementCensus, readStatementCensus, resetStatementCensus, STATEMENT_CENSUS_SETTINGS } from './statement-census';
import { statementCensusSummary } from './statement-census-report';
import { startThrowawayPostgres } from './throwaway-postgres';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const CASES = wholeNumberEnv(process.env, 'CASES', 100);
const WARMUP_CASES = wholeNumberEnv(process.env, 'WARMUP_CASES', 200, 0);
const POLL_MS = wholeNumberEnv(process.env, 'POLL_MS', 250);
const SEED_PEOPLE = wholeNumberEnv(process.env, 'SEED_PEOPLE', 10_000);
const TOP = wholeNumberEnv(process.env, 'BENCH_STATEMENTS_TOP', 12);
const CEILING_SECONDS = wholeNumberEnv(process.env, 'BENCH_CEILING_SECONDS', 5, 0);
const CEILING_WRITERS = [1, 4, 16];

/** CASES cases at once; throws unless every one closed (a failed case would count a different path's statements). */
async function batch(stack: Stack, families: Family[], round: number): Promise<number> {
  const t0 = performance.now();
  const results = await Promise.all(families.map((f, i) => runBirthCase(stack.wiring.service, f, round * CASES + i, POLL_MS)));
  const failed = results.filter((r) => r.status !== 'closed');
  if (failed.length) throw new Error(`${failed.length} of ${CASES} cases did not close (first: ${failed[0]!.caseId}, ${failed[0]!.outcome})`);
  return (performance.now() - t0) / 1000;
}

progress(`statement census: ${CASES} birth-group cases at once after ${WARMUP_CASES} warm-up cases; starting a throwaway Postgres with pg_stat_statements`);
const pg = await startThrowawayPostgres(STATEMENT_CENSUS_SETTINGS);
const stamp = Date.now();
const databases = [
  { name: `census_registries_${stamp}`, label: 'the engine and registries' },
  { name: `census_devserver_${stamp}`, label: 'the devserver' },
];
const admin = postgres(pg.url(), { max: 1, onnotice: () => {} });
let devserver: DevServerProcess | null = null;
let stack: Stack | null = null;
try {
  for (const d of databases) await admin.unsafe(`create database ${d.name}`);
  await enableStatementCensus(admin);
  const [{ server_version: version }] = await admin<{ server_version: string }[]>`show server_version`;
  devserver = await spawnDevServer(pg.url(databases[1]!.name), undefined, { metrics: true });
  progress(`devserver ready at ${devserver.address}; seeding ${SEED_PEOPLE} people and starting the workers`);
  stack = await startStack({
    registries: { kind: 'postgres', url: pg.url(databases[0]!.name) },
    devserverDb: pg.url(databases[1]!.name),
    temporal: { address: devserver.address },
    dataConverter: ephemeralDataConverter(),
    seedPeople: SEED_PEOPLE,
    log: () => {},
  });
  const families = await pickFamilies(stack.database.db, CASES);
  if (families.length < CASES) throw new Error(`only ${families.length} mothers in households in the seed (SEED_PEOPLE=${SEED_PEOPLE})`);
  await runBirthCase(stack.wiring.service, families[0]!, -1, POLL_MS);
  const warmups = Math.ceil(WARMUP_CASES / CASES);
  const warm = phaseProgress('warm-up cases', warmups * CASES);
  for (let b = 1; b <= warmups; b++) {
    await batch(stack, families, b);
    warm.tick(CASES);
  }
  await resetStatementCensus(admin);
  const cpu0 = postgresCpu(databases.map((d) => d.name), { backendsOnly: true });
  const counts0 = await devServerCounts(devserver);
  progress(`counts reset; ${CASES} cases at once`);
  const seconds = await batch(stack, families, 0);
  const counts1 = await devServerCounts(devserver);
  const backendCpuMs = databases.map((d) => 1000 * postgresCpuSince(d.name, cpu0, { backendsOnly: true }));
  const stats = await readStatementCensus(admin, databases.map((d) => d.name));
  progress(`${CASES} cases closed in ${seconds.toFixed(1)} s (${(CASES / seconds).toFixed(1)} cases/s); devserver per case: ${devServerWork(counts0, counts1, CASES)}`);
  console.log(
    `\n${statementCensusSummary(stats, {
      cases: CASES,
      databases: databases.map((d, i) => ({ ...d, backendCpuMs: backendCpuMs[i]! })),
      heading: `${CASES} cases at once after ${warmups * CASES} warm-up cases, status read every ${POLL_MS} ms, devserver in its own process, Postgres ${version}`,
      top: TOP,
    })}`,
  );
  if (CEILING_SECONDS > 0) {
    await stack.close();
    stack = null;
    const db = `census_ceiling_${stamp}`;
    await admin.unsafe(`create database ${db}`);
    const figures: CeilingFigure[] = [];
    // Alternating, twice: the VM's speed drifts between measurements.
    for (const chain of [true, false, false, true]) {
      for (const writers of CEILING_WRITERS) {
        const f = await auditChainCeiling(pg.url(db), { writers, seconds: CEILING_SECONDS, chain });
        progress(`audit chain ${chain ? 'on' : 'off'}, ${writers} writer(s): ${f.perSecond.toFixed(0)} audited transactions/s`);
        figures.push(f);
      }
    }
    const cell = (writers: number, chain: boolean) =>
      figures
        .filter((f) => f.writers === writers && f.chain === chain)
        .map((f) => fmt(f.perSecond, 0))
        .join(' · ');
    console.log(
      `\n#### The audit chain's ceiling: audited transactions per second (one audit entry each, as a registry write adds), ${CEILING_SECONDS} s per measurement\n\n` +
        markdownTable(['writers', 'with the chain', 'without it'], CEILING_WRITERS.map((w) => [String(w), cell(w, true), cell(w, false)])),
    );
  }
} finally {
  await stack?.close();
  await devserver?.stop();
  await admin.end();
  pg.stop();
}
process.exit(0);
