/**
 * `npm run bench:scale` — many open cases on one machine: birth-group cases that wait for the justice officer
 * (as citizens' dossiers wait days for an officer), on Postgres, every part in its own process as in production:
 * the devserver, one worker per role (engine, justice, police, vss, tax, labour) and the HTTP API; this process
 * only sends HTTP requests.
 *
 * Security on, as in production: a local development identity provider with its key in a temporary IDENTITY_DIR;
 * the devserver authenticates every call and scopes task queues, each worker connects with its own credential
 * (`worker:<role>`) and the API's client with `api`, as `npm start` does (worker/dev-credentials.ts); the API
 * trusts the provider (AUTH_DEV_IDENTITY=true). Each application is submitted and its case read with the
 * applicant's token (the mother, a citizen), the decisions and the work-queue page with a justice officer's of
 * national jurisdiction.
 *
 * For each size N of BENCH_SCALE_SIZES (cumulative: the cases opened for a size stay open for the next) it prints
 * the time to open them (all submitted through POST /applications, then each read until it waits for the officer), the
 * resident memory of every process, the p50/p99 latency of an officer's decision on a random waiting case
 * (POST /cases/{id}/events APPROVE_BIRTH), of GET /cases/{id} and of a work-queue page (when the API has a list
 * route), and the time the devserver takes to come back after a restart with all of them open (ready, then a
 * random case read through the API again). Progress lines while opening; a Markdown table at the end. Where a
 * decision's time goes: the devserver's and the engine worker's metrics per decision, and each of the slowest
 * decisions laid against the GCs and stalls every thread of every service recorded (bench/pauses.ts) and against
 * Postgres's slow commits (a probe commits a row every 50 ms while the decisions are sampled: bench/commit-probe.ts).
 *
 * Env: DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres; the bench creates and drops two databases),
 * BENCH_SCALE_SIZES or `--sizes` (1000,10000,100000), BENCH_SCALE_CONCURRENCY (50 applications in flight),
 * BENCH_SCALE_SAMPLES (200 requests per latency figure), BENCH_SCALE_QUEUE_PATH (the work-queue route, e.g.
 * "/cases?agency=justice"; found in /openapi.json when unset), BENCH_SCALE_ENGINE_WORKERS (1: engine worker
 * processes), BENCH_SCALE_DEVSERVER_NODE_OPTIONS (Node flags for the devserver alone, separated by spaces, given to
 * node before its script so that any V8 flag works, e.g. "--max-semi-space-size=64" to measure a larger young
 * generation), BENCH_PROFILE_DIR (a V8 CPU profile of every service, written when it exits); the services inherit
 * the rest, e.g. WORKER_MAX_CACHED_WORKFLOWS (the engine's workflow cache), DEVSERVER_RUN_CACHE_RUNS (the
 * devserver's run cache).
 */
import { JsonApi as Api } from './http-json';
import { findQueuePath } from './work-queue-path';
import { formatPayloadKeys, generatePayloadKey } from '../worker/codec/keyring';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { withDatabaseName } from '../db/connection';
import { openRegistriesDatabase } from '../db/registries-database';
import { seedPopulation } from '../db/seed';
import { WORKER_ROLES } from '../worker/agency-worker';
import { devCredential, devServerAuthArgs, workerSubject } from '../worker/dev-credentials';
import { openDevIdentityProvider, type DevIdentityProvider } from '../identity/dev-identity-provider';
import type { Principal } from '../identity/claims';
import { freePort } from '../devserver/harness/free-port';
import { birthApplication, pickFamilies, type Family } from './birth-application';
import { cpuSeconds, pct, postgresCpu, postgresCpuSince, rssMb } from './measure';
import { fmt, phaseProgress, progress } from './report';
import { report, type SizeFigures } from './scale-report';
import { spawnService, type ServiceProcess } from './services';
import { devServerCounts, devServerWork } from './devserver-process';
import { checkpointNow, checkpointsSoFar, heaviestReads, keepStatisticsUp, tableStats, walPerOperation, walSoFar } from './pg-table-stats';
import { wholeNumberEnv } from './env-options';
import { pausesReport, readPauses, type RequestSpan } from './pauses';
import { startCommitProbe } from './commit-probe';
import { workerCounts, workerWork } from './worker-metrics';

const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// `npm run bench:scale -- --sizes 1000,10000` (or BENCH_SCALE_SIZES); an unknown flag is an error.
const flags = parseArgs({ options: { sizes: { type: 'string' } } }).values;
const SIZES = (flags.sizes ?? process.env.BENCH_SCALE_SIZES ?? '1000,10000,100000').split(',').map(Number);
const CONCURRENCY = wholeNumberEnv(process.env, 'BENCH_SCALE_CONCURRENCY', 50);
// 200: with 50 the p99 was the slowest of the 50, and the decision's ratio moved by half between runs of one commit.
const SAMPLES = wholeNumberEnv(process.env, 'BENCH_SCALE_SAMPLES', 200);
// One engine (workflow) worker process per core raises the ceiling its one JS thread sets (docs/performance.md).
const ENGINE_WORKERS = wholeNumberEnv(process.env, 'BENCH_SCALE_ENGINE_WORKERS', 1);
// Options for the devserver's Node alone (its heap's generations), so a run can measure one against the default.
const DEVSERVER_NODE_OPTIONS = process.env.BENCH_SCALE_DEVSERVER_NODE_OPTIONS?.trim() ?? '';
const OPEN_TIMEOUT_MS = 120_000;
const POLL_MS = 500;

if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || SIZES.some((n, i) => i > 0 && n <= SIZES[i - 1])) {
  throw new Error(`--sizes / BENCH_SCALE_SIZES must be increasing whole numbers ≥ 1, got "${flags.sizes ?? process.env.BENCH_SCALE_SIZES}"`);
}

/**
 * The officers who decide and read their work queue, in turn: justice, national jurisdiction (each sees every
 * birth-group case). Several, as an office has: one alone would meet the API's per-principal rate limit when many
 * samples are taken.
 */
const JUSTICE_OFFICERS: Principal[] = Array.from({ length: 10 }, (_, i) => ({ kind: 'officer', id: `bench-justice-${i + 1}`, agency: 'justice', jurisdiction: { province: '*' } }));
const NAMESPACE = 'default';
/** The spawned processes cannot renew their credentials: every token lasts longer than the longest run. */
const CREDENTIAL_TTL_SECONDS = 24 * 3600;

/** Failed requests by what failed, printed with the figures (the goal is none). */
const errors = new Map<string, number>();
function recordError(what: string, detail: string) {
  const key = `${what}: ${detail.slice(0, 160)}`;
  errors.set(key, (errors.get(key) ?? 0) + 1);
}

/** Bearer tokens of the local identity provider, one per principal, made once. */
class Tokens {
  private readonly made = new Map<string, Promise<string>>();
  constructor(private readonly identity: DevIdentityProvider) {}
  of(principal: Principal): Promise<string> {
    const key = JSON.stringify(principal);
    let token = this.made.get(key);
    if (!token) this.made.set(key, (token = this.identity.apiToken(principal, CREDENTIAL_TTL_SECONDS)));
    return token;
  }
  citizen = (personalId: string) => this.of({ kind: 'citizen', personalId });
}

const ok = (s: number) => s >= 200 && s < 300;
const errorText = (r: { status: number; json: any }) => `${r.status} ${r.json?.error?.code ?? ''} ${r.json?.error?.message ?? JSON.stringify(r.json)}`;

/** An open case and the token of its applicant, who submits it and reads it. */
interface OpenCase {
  id: string;
  applicantToken: string;
}

/** Submits one application in the applicant's (the mother's) name; the case id, or null on failure. */
async function submitCase(api: Api, applicantToken: string, f: Family, i: number, tag: string): Promise<string | null> {
  const submitted = await api.request('POST', '/applications', applicantToken, birthApplication(f, i, tag));
  if (ok(submitted.status)) return submitted.json.caseId;
  recordError('POST /applications', errorText(submitted));
  return null;
}

/**
 * Follows a submitted case until the justice officer may decide (each look reads the read model); false if it
 * ended or did not get there in time.
 */
async function waitForOfficer(api: Api, { id, applicantToken }: OpenCase): Promise<boolean> {
  const deadline = performance.now() + OPEN_TIMEOUT_MS;
  while (performance.now() < deadline) {
    followReads += 1;
    const c = await api.request('GET', `/cases/${id}`, applicantToken);
    if (!ok(c.status)) recordError('GET /cases/{id} while opening', errorText(c));
    else if ((c.json.acceptedEvents ?? []).some((e: { type: string }) => e.type === 'APPROVE_BIRTH')) return true;
    else if (ENDED.has(c.json.status)) {
      recordError('opening', `case ended as ${c.json.outcome?.name ?? c.json.outcome ?? c.json.status} before the officer step`);
      return false;
    }
    await sleep(POLL_MS);
  }
  recordError('opening', `case not waiting for the officer after ${OPEN_TIMEOUT_MS} ms`);
  return false;
}

/** The bench's own reads that follow cases to the officer step (their API CPU is reported apart). */
let followReads = 0;

/** Statuses of a case that has ended (the case service says closed/failed, the read model done/error). */
const ENDED = new Set(['closed', 'failed', 'done', 'error']);

/** Runs `n` tasks with at most `limit` in flight. */
async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

/**
 * Latencies (ms) of `SAMPLES` requests made one at a time; failed ones are recorded as errors and left out. With
 * `spans`, each one's start (ms since the epoch) and latency too, to lay against the services' pauses.
 */
async function sample(what: string, make: () => Promise<{ status: number; json: any }> | null, spans?: RequestSpan[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    const p = make();
    if (!p) break;
    const r = await p;
    const ms = performance.now() - t0;
    if (ok(r.status)) {
      out.push(ms);
      spans?.push({ t: performance.timeOrigin + t0, ms });
    } else recordError(what, errorText(r));
  }
  return out;
}

const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

/**
 * CPU ms per operation of every process and of Postgres (its databases' backends and shared processes) from now:
 * call the result with how many operations were done.
 */
function cpuMeter(processes: ServiceProcess[], databases: string[]): (operations: number) => Record<string, number> {
  const cpu0 = processes.map((p) => cpuSeconds(p.pid));
  const pg0 = postgresCpu(databases);
  return (operations) => {
    const n = Math.max(1, operations);
    const out: Record<string, number> = Object.fromEntries(processes.map((p, k) => [p.name, ((cpuSeconds(p.pid) - cpu0[k]) * 1000) / n]));
    out.Postgres = (postgresCpuSince(databases, pg0) * 1000) / n;
    return out;
  };
}

async function main() {
  const stamp = `${Date.now()}`;
  const names = { registries: `bench_scale_${stamp}_registries`, devserver: `bench_scale_${stamp}_devserver` };
  const url = (db: string) => withDatabaseName(PG_URL, db);
  const databases = Object.values(names);
  const dbUrls = databases.map(url);
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const identityDir = mkdtempSync(join(tmpdir(), 'bench-scale-identity-'));
  // Every thread of every service records its GCs and stalls here: a slow decision is laid against them.
  const pausesDir = mkdtempSync(join(tmpdir(), 'bench-scale-pauses-'));
  const pausesFile = (name: string) => join(pausesDir, `${name}.jsonl`);
  const services: ServiceProcess[] = [];
  let devserver: ServiceProcess | undefined;
  const results: SizeFigures[] = [];
  try {
    for (const db of databases) await admin.unsafe(`create database ${db}`);
    progress(`bench:scale: sizes ${SIZES.join(', ')} on Postgres (${names.registries}, ${names.devserver}), ${CONCURRENCY} applications in flight`);

    const registries = await openRegistriesDatabase({ kind: 'postgres', url: url(names.registries) });
    await seedPopulation(registries.db, { people: 10_000 });
    const families = await pickFamilies(registries.db, 100_000);
    await registries.close();
    if (families.length === 0) throw new Error('no family in the seed');
    progress(`registries migrated and seeded; ${families.length} families, reused in turn`);

    const identity = await openDevIdentityProvider({ dir: identityDir });
    const tokens = new Tokens(identity);
    const port = await freePort();
    // Its metrics count the calls, run writes and commits a decision costs it (the same port after a restart).
    const metricsPort = await freePort();
    const devserverMetrics = { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
    const startDevserver = () =>
      spawnService({
        name: 'devserver',
        script: 'devserver/main.ts',
        args: ['--port', String(port), '--db', url(names.devserver), '--metrics-port', String(metricsPort), ...devServerAuthArgs(identity)],
        readyText: 'ready at',
        pausesFile: pausesFile('devserver'),
        nodeArgs: DEVSERVER_NODE_OPTIONS ? DEVSERVER_NODE_OPTIONS.split(/\s+/) : undefined,
      });
    devserver = await startDevserver();
    // Every worker and the API share one payload key (encrypted histories, as in production).
    const env = { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_NAMESPACE: NAMESPACE, TEMPORAL_TLS: 'false', DATABASE_URL: url(names.registries), PAYLOAD_KEYS: formatPayloadKeys([generatePayloadKey()]) };
    let engineMetricsUrl: string | undefined;
    const credential = async (subject: string) => (await devCredential(identity, subject, NAMESPACE, CREDENTIAL_TTL_SECONDS)).apiKey;
    for (const role of WORKER_ROLES) {
      const workerEnv = { ...env, TEMPORAL_API_KEY: await credential(workerSubject(role)) };
      const copies = role === 'engine' ? ENGINE_WORKERS : 1;
      for (let k = 0; k < copies; k++) {
        // The first engine worker is "worker engine"; more are "worker engine 2", … (their CPU and memory apart).
        const name = k === 0 ? `worker ${role}` : `worker ${role} ${k + 1}`;
        // The first engine worker's SDK metrics say which of a decision's workflow tasks waited or ran long.
        const metrics = role === 'engine' && k === 0 ? `127.0.0.1:${await freePort()}` : undefined;
        if (metrics) engineMetricsUrl = `http://${metrics}/metrics`;
        const serviceEnv = metrics ? { ...workerEnv, WORKER_METRICS_ADDRESS: metrics } : workerEnv;
        services.push(await spawnService({ name, script: 'worker/main.ts', args: ['--agency', role], env: serviceEnv, readyText: 'workers running', pausesFile: pausesFile(name) }));
      }
    }
    const apiPort = await freePort();
    const apiEnv = { ...env, TEMPORAL_API_KEY: await credential('api'), AUTH_DEV_IDENTITY: 'true', IDENTITY_DIR: identityDir, PORT: String(apiPort), HOST: '127.0.0.1' };
    services.push(await spawnService({ name: 'API', script: 'scripts/api.ts', env: apiEnv, readyText: 'API ready at', pausesFile: pausesFile('API') }));
    const api = new Api(`http://127.0.0.1:${apiPort}`);
    progress(`devserver (authentication on${DEVSERVER_NODE_OPTIONS ? `; Node options ${DEVSERVER_NODE_OPTIONS}` : ''}), ${WORKER_ROLES.length + ENGINE_WORKERS - 1} workers (${ENGINE_WORKERS} engine; each role with its own credential) and the API started, each in its own process`);
    const officerTokens = await Promise.all(JUSTICE_OFFICERS.map((o) => tokens.of(o)));
    let turn = 0;
    const officerToken = () => officerTokens[turn++ % officerTokens.length];
    const queue = await findQueuePath(api, process.env.BENCH_SCALE_QUEUE_PATH);
    progress(`work-queue page: ${queue.path ?? 'not measured'} (${queue.note})`);

    const tag = randomUUID().slice(0, 8);
    const waiting: OpenCase[] = [];
    const all: OpenCase[] = [];
    for (const size of SIZES) {
      const toOpen = size - all.length;
      const opening = performance.now();
      const processes = [devserver, ...services];
      const openingCpu = cpuMeter(processes, databases);
      // Closed loop: each of CONCURRENCY slots submits an application and follows its case to the officer step
      // before it submits the next, so the rate is what the engine sustains. (Submitting all first let the engine
      // worker's backlog grow past its workflow-task timeouts at 10,000 on a busy machine: tasks timed out and
      // were retried faster than they were done.)
      const openProgress = phaseProgress(`${size}: cases submitted and waiting for the officer`, toOpen);
      const base = all.length;
      const reads0 = followReads;
      await pool(toOpen, CONCURRENCY, async (k) => {
        const i = base + k;
        const family = families[i % families.length];
        const applicantToken = await tokens.citizen(family.motherId);
        const id = await submitCase(api, applicantToken, family, i, tag);
        if (id && (await waitForOfficer(api, { id, applicantToken }))) {
          waiting.push({ id, applicantToken });
          all.push({ id, applicantToken });
        }
        openProgress.tick();
      });
      if (all.length === 0) throw new Error(`no case could be opened: ${[...errors].map(([what, n]) => `${n} × ${what}`).join('; ')}`);
      const openSeconds = (performance.now() - opening) / 1000;
      const opened = Math.max(1, all.length - base);
      const cpuPerCase = openingCpu(opened);
      const cpuTotal = Object.values(cpuPerCase).reduce((a, b) => a + b, 0);
      progress(
        `${size}: CPU per case opened ${fmt(cpuTotal)} ms = ${Object.entries(cpuPerCase)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${fmt(v)}`)
          .join(' + ')} (the API's share includes the bench's reads that follow each case)`,
      );
      progress(`${size}: ${all.length} cases open (${toOpen} opened at ${fmt(toOpen / openSeconds)}/s); measuring`);
      const rss: Record<string, number> = { devserver: rssMb(devserver.pid) };
      for (const s of services) rss[s.name] = rssMb(s.pid);
      progress(`${size}: resident memory MB ${Object.entries(rss).map(([k, v]) => `${k.replace(/^worker /, '')} ${fmt(v, 0)}`).join(', ')}`);
      progress(`${size}: ${await keepStatisticsUp(admin, dbUrls)}`);
      progress(`${size}: ${await checkpointNow(admin)}`);

      // What a decision costs each process and which tables it reads: if its latency grows with the open cases,
      // these say where.
      const decidingCpu = cpuMeter(processes, databases);
      const decisionTables0 = await tableStats(dbUrls);
      const decisionCounts0 = await devServerCounts(devserverMetrics);
      const engineCounts0 = await workerCounts(engineMetricsUrl);
      const checkpoints0 = await checkpointsSoFar(admin);
      const wal0 = await walSoFar(admin);
      const commitProbe = await startCommitProbe(url(names.devserver));
      const decisionSpans: RequestSpan[] = [];
      const decision = await sample(
        'POST /cases/{id}/events APPROVE_BIRTH',
        () => {
          if (waiting.length === 0) return null;
          const { id } = waiting.splice(Math.floor(Math.random() * waiting.length), 1)[0];
          return api.request('POST', `/cases/${id}/events`, officerToken(), { type: 'APPROVE_BIRTH' });
        },
        decisionSpans,
      );
      // The decision starts the case's next activities; they finish within a few seconds, counted with it.
      const commits = await commitProbe.stop();
      await sleep(3000);
      // After the pause: the backends report their WAL to pg_stat_wal at most once a second.
      const wal = await walSoFar(admin);
      const decisions = Math.max(1, decision.length);
      const decisionCpu = decidingCpu(decisions);
      progress(`${size}: CPU per decision (and what follows it) ${Object.entries(decisionCpu).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')} ms`);
      progress(`${size}: tables read per decision: ${heaviestReads(decisionTables0, await tableStats(dbUrls), decisions)}`);
      progress(`${size}: devserver per decision: ${devServerWork(decisionCounts0, await devServerCounts(devserverMetrics), decisions)}`);
      progress(`${size}: engine worker per decision: ${workerWork(engineCounts0, await workerCounts(engineMetricsUrl), decisions)}`);
      progress(`${size}: ${commits.summary}; ${walPerOperation(wal0, wal, decision.length)}`);
      const pauses = [...[devserver, ...services].flatMap((p) => readPauses(p.name, pausesFile(p.name))), ...commits.pauses];
      for (const line of pausesReport(decisionSpans, pauses)) progress(`${size}: decisions: ${line}`);
      const checkpoints = checkpoints0 === null ? null : ((await checkpointsSoFar(admin)) ?? checkpoints0) - checkpoints0;
      progress(`${size}: Postgres checkpoints begun while the decisions were sampled: ${checkpoints ?? 'unknown'}`);
      const readCase = ({ id, applicantToken }: OpenCase) => api.request('GET', `/cases/${id}`, applicantToken);
      const apiProcess = services.find((p) => p.name === 'API')!;
      const apiCpu0 = cpuSeconds(apiProcess.pid);
      const getCase = await sample('GET /cases/{id}', () => readCase(pick(all)));
      // What the bench's follow-up reads cost the API, from the API's CPU per read while it samples GET /cases/{id}.
      const apiMsPerRead = getCase.length ? ((cpuSeconds(apiProcess.pid) - apiCpu0) * 1000) / getCase.length : 0;
      const readsPerCase = (followReads - reads0) / opened;
      const benchReadsMs = readsPerCase * apiMsPerRead;
      progress(
        `${size}: the bench's follow-up reads: ${fmt(readsPerCase)} per case × ${fmt(apiMsPerRead)} ms of API CPU each = ${fmt(benchReadsMs)} ms; ` +
          `CPU per case opened without them ${fmt(cpuTotal - benchReadsMs)} ms`,
      );
      const page = queue.path ? await sample(`GET ${queue.path}`, () => api.request('GET', queue.path!, officerToken())) : [];
      progress(
        `${size}: decision p50 ${fmt(pct(decision, 50))} / p99 ${fmt(pct(decision, 99))} ms, GET /cases/{id} p50 ${fmt(pct(getCase, 50))} / p99 ${fmt(pct(getCase, 99))} ms` +
          (queue.path ? `, page p50 ${fmt(pct(page, 50))} / p99 ${fmt(pct(page, 99))} ms` : ''),
      );

      // Restart the devserver with every case open: ready (listening), then back (a case read through the API).
      const stopMs = await devserver.stop();
      const t0 = performance.now();
      devserver = await startDevserver();
      const readyMs = performance.now() - t0;
      let backMs = NaN;
      while (performance.now() - t0 < 120_000) {
        const r = await readCase(pick(all));
        if (ok(r.status)) {
          backMs = performance.now() - t0;
          break;
        }
        await sleep(100);
      }
      if (!Number.isFinite(backMs)) recordError('restart', 'no case could be read 120 s after the devserver restarted');
      const devserverRssAfterRestart = rssMb(devserver.pid);
      progress(`${size}: devserver stopped in ${fmt(stopMs / 1000, 2)} s, ready ${fmt(readyMs / 1000, 2)} s after its start, a case read again after ${fmt(backMs / 1000, 2)} s`);
      results.push({ size, openSeconds, openedNow: toOpen, cpuPerCase, benchReadsMs, rss, decision, decisionCpu, getCase, page, stopMs, readyMs, backMs, devserverRssAfterRestart });
    }
    report(results, queue, { samples: SAMPLES, errors, devserverNodeOptions: DEVSERVER_NODE_OPTIONS });
  } finally {
    for (const s of services.reverse()) await s.stop(10_000);
    await devserver?.stop(10_000);
    for (const db of databases) await admin.unsafe(`drop database if exists ${db} with (force)`).catch(() => {});
    await admin.end();
    rmSync(identityDir, { recursive: true, force: true });
    rmSync(pausesDir, { recursive: true, force: true });
  }
}

await main();
process.exit(errors.size === 0 ? 0 : 1);
