/**
 * `npm run bench`: birth-group cases completed per second with 100 submitted at once, and p50/p99
 * submission-to-completion latency, officers' and household heads' decisions automated. The whole engine runs
 * in-process (devserver, workers, registries, case service) on PGlite, then on Postgres when one is reachable
 * (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; a scratch database is created).
 * A third run puts the devserver in its own process (as in production, where Temporal is a separate
 * service): in-process, one Node thread runs the devserver, the API and every worker's JS, and that thread
 * is what limits the first two runs. Every run prints the CPU time of this process and of the devserver.
 * Security as `npm start` has it: the case service is called as verified principals (the applicant, a national
 * justice or police officer, the household head), and in the first two runs the embedded devserver authenticates
 * every call with each worker on its own credential (a local identity provider in a temporary directory). The third
 * run's devserver, like those of bench:devserver and bench:compare, runs without authentication: the stack gives
 * per-worker credentials only to a devserver it starts itself.
 * The automated officers read each case's status from the read model (GET /cases/{id}: no workflow query).
 * Last, the read model's list and KPI latency at READ_MODEL_CASES (100,000) projected cases, seeded in bulk
 * (bench/read-model.ts), on Postgres when reachable, else PGlite.
 * The measured batch runs on warm code: WARMUP_CASES go before it, in batches of CASES, each printed, because a
 * fresh process's V8 is still compiling hot code for hundreds of cases (on 2026-12-04 a case cost 100 ms in the
 * first batch of 100 and 62 ms from the sixth on, steady). The CPU of this process is also split by thread
 * (bench/measure.ts threadCpu), and on Postgres the server's CPU for the two databases is counted too.
 * At the end, a table of every run's measured batch to paste into docs/performance.md, and issue 18's item 2 (a case
 * ≤ 40 ms of CPU, everything counted, ≥ 30 cases/s) met or not for each run, with the parts that hold it
 * (bench/birth-group-report.ts).
 * Options: CASES (100), POLL_MS (250: how often the automated officers look at a case), WARMUP_CASES (600; 0: one
 * case only), BENCH_RUNS (which runs, in order: pglite,postgres,apart,read-model — all by default), READ_MODEL_CASES,
 * SEED_PEOPLE (10,000 people in the registries), BENCH_PROFILE_DIR (the devserver of the third run writes a V8 CPU
 * profile there; profile this process with `npx tsx --cpu-prof --cpu-prof-dir=<dir> bench/birth-group.ts`).
 * Poller tuning, measured against the SDK's defaults (issue 18, item 2; unset: the SDK's own): BENCH_WORKFLOW_TASK_POLLERS
 * and BENCH_ACTIVITY_TASK_POLLERS (each worker's long polls in flight at most, the SDK's 10), BENCH_WORKFLOW_TASK_SLOTS
 * (workflow tasks the engine worker holds at once, the SDK's 40; the SDK caps its default polls by it). The engine
 * worker's own settings as `npm run worker` reads them: WORKER_WORKFLOW_THREADS, WORKER_MAX_CACHED_WORKFLOWS.
 */
import { ephemeralDataConverter } from '../worker/codec/data-converter';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDevIdentityProvider } from '../identity/dev-identity-provider';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import postgres from 'postgres';
import type { DatabaseTarget } from '../db/connection';
import type { CaseService } from '../api/case-service';
import { startStack } from '../scripts/stack';
import { cpuSeconds, devServerCounts, devServerWork, spawnDevServer, type DevServerProcess } from './devserver-process';
import { databaseOf, pct, postgresCpu, postgresCpuSince, threadCpu } from './measure';
import { pickFamilies, runBirthCase, type Family } from './birth-application';
import { openRegistriesDatabase } from '../db/registries-database';
import { benchReadModel } from './read-model';
import { nameListEnv, pollerTuning, wholeNumberEnv } from './env-options';
import { birthGroupSummary, type BirthGroupRun } from './birth-group-report';
import { atReferenceSpeed, REFERENCE_PROBE_UNIT_MS, startSpeedProbe } from './speed-probe';
import { engineTuningOptions } from '../worker/engine-tuning';
import { ENGINE_WORKFLOW_THREADS } from '../worker/agency-worker';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const CASES = wholeNumberEnv(process.env, 'CASES', 100);
// Officers look at their work lists, they are not a query storm: every case is looked at 4 times a second.
const POLL_MS = wholeNumberEnv(process.env, 'POLL_MS', 250);
const WARMUP_CASES = wholeNumberEnv(process.env, 'WARMUP_CASES', 600, 0);
const WARMUP_BATCHES = Math.ceil(WARMUP_CASES / CASES);
const SEED_PEOPLE = wholeNumberEnv(process.env, 'SEED_PEOPLE', 10_000);
const READ_MODEL_CASES = wholeNumberEnv(process.env, 'READ_MODEL_CASES', 100_000);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR || undefined;
const log = (m: string) => console.log(`  ${m}`);
/** Every run's measured batch, for the summary at the end. */
const measuredRuns: BirthGroupRun[] = [];
const RUN_NAMES = ['pglite', 'postgres', 'apart', 'read-model'] as const;
const RUNS = new Set(nameListEnv(process.env, 'BENCH_RUNS', RUN_NAMES));
const POLLER_TUNING = pollerTuning(process.env);
// The engine worker's own settings, read as its entry point reads them (worker/engine-tuning.ts).
const ENGINE_TUNING = engineTuningOptions(process.env);
const WORKER_TUNING = {
  options: { ...POLLER_TUNING.options, ...ENGINE_TUNING },
  label:
    `${POLLER_TUNING.label}, workflow threads ${ENGINE_TUNING.workflowThreadPoolSize ?? `${ENGINE_WORKFLOW_THREADS} (the engine's default)`}` +
    (ENGINE_TUNING.maxCachedWorkflows === undefined ? '' : `, workflow cache ${ENGINE_TUNING.maxCachedWorkflows}`),
};
// The VM's speed beside every batch (bench/speed-probe.ts): its cores change speed by ±20 % within minutes.
const probe = await startSpeedProbe();

/** Runs one batch of cases at once (`round` keeps each batch's children apart) and prints what it cost. */
async function batch(service: CaseService, families: Family[], devserver: DevServerProcess | null, databases: string[], round: number, label: string): Promise<Omit<BirthGroupRun, 'label'> | null> {
  const pg0 = postgresCpu(databases);
  const selfCpu0 = process.cpuUsage();
  const threads0 = threadCpu();
  const serverCpu0 = cpuSeconds(devserver?.pid);
  const counts0 = await devServerCounts(devserver ?? undefined);
  const wall0 = Date.now();
  const t0 = performance.now();
  const results = await Promise.all(families.map((f, i) => runBirthCase(service, f, round * CASES + i, POLL_MS)));
  const seconds = (performance.now() - t0) / 1000;
  const speed = probe.during(wall0, Date.now());
  const self = process.cpuUsage(selfCpu0);
  const threads1 = threadCpu();
  const ms = results.map((r) => r.ms);
  const outcomes = results.reduce<Record<string, number>>((a, r) => ({ ...a, [r.outcome]: (a[r.outcome] ?? 0) + 1 }), {});
  const selfCpu = (self.user + self.system) / 1e6;
  const serverCpu = devserver ? cpuSeconds(devserver.pid) - serverCpu0 : 0;
  const counts1 = await devServerCounts(devserver ?? undefined);
  const pgCpu = databases.length ? postgresCpuSince(databases, pg0) : 0;
  const msPerCase = (cpuSec: number) => (1000 * cpuSec) / CASES;
  const perCase = (cpuSec: number) => `${msPerCase(cpuSec).toFixed(1)} ms`;
  const share = (cpuSec: number) => `${((100 * cpuSec) / seconds).toFixed(0)}% of a core`;
  if (round !== 0) {
    const all = databases.length ? `, with Postgres ${perCase(selfCpu + serverCpu + pgCpu)}` : '';
    log(`${label}: ${(CASES / seconds).toFixed(1)} cases/s, CPU per case ${perCase(selfCpu + serverCpu)}${all}, outcomes ${JSON.stringify(outcomes)}`);
    return null;
  }
  log(`cases: ${CASES} submitted at once; outcomes ${JSON.stringify(outcomes)}`);
  log(`throughput: ${(CASES / seconds).toFixed(1)} cases/s (${seconds.toFixed(2)} s for all)`);
  log(`submission-to-completion latency: p50 ${pct(ms, 50).toFixed(0)} ms, p99 ${pct(ms, 99).toFixed(0)} ms`);
  log('each case: 5 activities on 3 agency queues, 3 human decisions (sent as soon as the case accepts them), ~10 workflow tasks');
  log(`CPU while the cases ran: this process ${share(selfCpu)}` + (devserver ? `, devserver process ${share(serverCpu)}` : ' (devserver included)'));
  log(`CPU per case: ${perCase(selfCpu + serverCpu)} (${label}; status read from the read model, no workflow query)`);
  log(
    `  this process by thread, per case: main JavaScript thread ${perCase(threads1.main - threads0.main)}, ` +
      `workflow threads and V8 helpers ${perCase(threads1.others - threads0.others)}, SDK core ${perCase(threads1.sdkCore - threads0.sdkCore)}` +
      (devserver ? `; devserver ${perCase(serverCpu)}` : ''),
  );
  if (devserver) log(`  devserver per case: ${devServerWork(counts0, counts1, CASES)}`);
  if (databases.length) {
    // Each database's own backends (pg0 holds every process of them), the rest is the server's shared processes.
    const byDatabase = databases.map((d) => postgresCpuSince(d, pg0, { backendsOnly: true }));
    const names = databases.length === 2 ? ['the engine and registries', 'the devserver'] : databases;
    const split = byDatabase.map((c, i) => `${names[i]} ${perCase(c)}`).join(', ');
    const shared = pgCpu - byDatabase.reduce((a, b) => a + b, 0);
    log(`  Postgres for these databases: ${perCase(pgCpu)} per case (backends of ${split}; shared processes ${perCase(shared)}), ${share(pgCpu)}; everything: ${perCase(selfCpu + serverCpu + pgCpu)} per case`);
  }
  if (speed) {
    const everything = msPerCase(selfCpu + serverCpu + pgCpu);
    log(
      `VM speed: the probe's unit took ${speed.meanUnitMs.toFixed(2)} ms of CPU (mean of ${speed.samples}; reference ${REFERENCE_PROBE_UNIT_MS.toFixed(1)} ms): ` +
        `everything at reference speed ${atReferenceSpeed(everything, speed.meanUnitMs).toFixed(1)} ms per case — compare runs by this figure`,
    );
  }
  return {
    casesPerSecond: CASES / seconds,
    p50Ms: pct(ms, 50),
    p99Ms: pct(ms, 99),
    cpuMs: {
      benchProcess: msPerCase(selfCpu),
      main: msPerCase(threads1.main - threads0.main),
      workflowThreads: msPerCase(threads1.others - threads0.others),
      sdkCore: msPerCase(threads1.sdkCore - threads0.sdkCore),
      devserver: devserver ? msPerCase(serverCpu) : null,
      postgres: databases.length ? msPerCase(pgCpu) : null,
    },
    benchProcessCores: selfCpu / seconds,
    probeUnitMs: speed?.meanUnitMs ?? null,
  };
}

async function benchOn(label: string, registries: DatabaseTarget, devserverDb: DatabaseTarget | string, separate = false): Promise<void> {
  console.log(`\n== ${label}`);
  let devserver: DevServerProcess | null = null;
  if (separate) {
    const db = typeof devserverDb === 'string' ? devserverDb : devserverDb.kind === 'postgres' ? devserverDb.url : ':memory:';
    devserver = await spawnDevServer(db, PROFILE_DIR, { metrics: true });
  }
  const identityDir = mkdtempSync(join(tmpdir(), 'bench-identity-'));
  const stack = await startStack({
    identity: devserver ? undefined : await openDevIdentityProvider({ dir: identityDir }),
    registries,
    devserverDb,
    dataConverter: ephemeralDataConverter(), // encrypted payloads, as in production
    seedPeople: SEED_PEOPLE,
    log: () => {},
    ...(devserver ? { temporal: { address: devserver.address } } : {}),
    workerOptions: WORKER_TUNING.options,
  });
  try {
    const families = await pickFamilies(stack.database.db, CASES);
    if (families.length < CASES) throw new Error(`only ${families.length} mothers in households in the seed`);
    // Warm-up: one case through every worker (bundles, caches, connections), then whole batches (JIT).
    await runBirthCase(stack.wiring.service, families[0], -1, POLL_MS);
    const databases = [registries, devserverDb].flatMap((t) => (typeof t !== 'string' && t.kind === 'postgres' ? [databaseOf(t.url)] : []));
    for (let b = 1; b <= WARMUP_BATCHES; b++) await batch(stack.wiring.service, families, devserver, databases, b, `warm-up batch ${b} of ${WARMUP_BATCHES}`);
    const measured = await batch(stack.wiring.service, families, devserver, databases, 0, `after ${WARMUP_BATCHES * CASES} warm-up cases`);
    if (measured) measuredRuns.push({ ...measured, label });
  } finally {
    await stack.close();
    await devserver?.stop();
    rmSync(identityDir, { recursive: true, force: true });
  }
}

async function postgresTarget(): Promise<DatabaseTarget[] | null> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = postgres(base, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    const stamp = Date.now();
    const names = [`bench_registries_${stamp}`, `bench_devserver_${stamp}`];
    for (const n of names) await admin.unsafe(`create database ${n}`);
    return names.map((n) => ({ kind: 'postgres', url: base.replace(/\/[^/]*$/, `/${n}`) }) as DatabaseTarget);
  } catch (e) {
    console.log(`\n(Postgres not reachable at ${base}: ${(e as Error).message}; skipping the Postgres run)`);
    return null;
  } finally {
    await admin.end();
  }
}

async function dropScratch(targets: DatabaseTarget[]): Promise<void> {
  const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  for (const t of targets) if (t.kind === 'postgres') await admin.unsafe(`drop database if exists ${t.url.split('/').pop()} with (force)`);
  await admin.end();
}

async function benchReadModelOn(target: DatabaseTarget | null): Promise<void> {
  const n = READ_MODEL_CASES;
  console.log(`\n== read model: list and KPI latency at ${n} cases (${target ? 'Postgres' : 'PGlite, in memory'})`);
  const opened = await openRegistriesDatabase(target ?? { kind: 'pglite-memory' });
  try {
    await benchReadModel(opened.db, n, log);
  } finally {
    await opened.close();
  }
}

console.log(`birth-group benchmark: ${CASES} cases, decisions automated, ${WARMUP_BATCHES * CASES} warm-up cases per run; workers: ${WORKER_TUNING.label}`);
if (RUNS.has('pglite')) await benchOn('PGlite (embedded, in memory)', { kind: 'pglite-memory' }, ':memory:');
for (const [run, label, separate] of [['postgres', 'Postgres (durable)', false], ['apart', 'Postgres, devserver in its own process', true]] as const) {
  if (!RUNS.has(run)) continue;
  const pg = await postgresTarget();
  if (!pg) break;
  try {
    await benchOn(label, pg[0], pg[1], separate);
  } finally {
    await dropScratch(pg);
  }
}
if (RUNS.has('read-model')) {
  const scratch = await postgresTarget();
  try {
    await benchReadModelOn(scratch?.[0] ?? null);
  } finally {
    if (scratch) await dropScratch(scratch);
  }
}
if (measuredRuns.length) {
  console.log(`\n${birthGroupSummary(measuredRuns, `${CASES} cases at once after ${WARMUP_BATCHES * CASES} warm-up cases, status read every ${POLL_MS} ms, workers: ${WORKER_TUNING.label}`)}`);
}
await probe.stop();
process.exit(0);
