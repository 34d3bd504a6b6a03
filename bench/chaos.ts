/**
 * `npm run bench:chaos [-- --cases 500 --duration 300 --timeout 900 --seed 1 --concurrency 25]`: the fault
 * campaign. Birth-group cases under load while the devserver, each agency worker the cases need, the engine worker
 * and the API — each its own process, as production runs them — are killed with SIGKILL and restarted at random
 * moments, and Postgres (a throwaway cluster of this run, never the machine's shared one) is restarted once.
 * Loopback only, bounded in time. At the end it checks and prints: every case reached its outcome, no registry
 * record written twice, no audit row lost, the read model equal to the workflows, and the counts of kills,
 * restarts and retries. Exit status 1 when a check fails.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { Client, Connection } from '@temporalio/client';
import { openRegistriesDatabase } from '../db/registries-database';
import { seedPopulation } from '../db/seed';
import { openDevIdentityProvider } from '../identity/dev-identity-provider';
import { seededRandom } from '../domain/random';
import { createDataConverter } from '../worker/codec/data-converter';
import { createKeyring, formatPayloadKeys, generatePayloadKey } from '../worker/codec/keyring';
import { devCredential, devServerAuthArgs, workerSubject } from '../worker/dev-credentials';
import type { WorkerRole } from '../worker/agency-worker';
import { CASE_PREFIX } from '../ops/common';
import { getProcedure } from '../procedures/catalog';
import { freePort } from '../devserver/harness/free-port';
import { pickFamilies } from './birth-application';
import { ChaosDriver, type CaseResult } from './chaos-driver';
import { projectionCheck, registryChecks, type CheckResult } from './chaos-checks';
import { startThrowawayPostgres } from './throwaway-postgres';
import { phaseProgress, progress } from './report';
import { spawnService, type ServiceProcess } from './services';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '500' },
    duration: { type: 'string', default: '300' },
    timeout: { type: 'string', default: '900' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    concurrency: { type: 'string', default: '25' },
  },
  allowPositionals: false,
});
const num = (k: keyof typeof values, min: number) => {
  const v = Number(values[k]);
  if (!Number.isInteger(v) || v < min) throw new Error(`--${k} must be a whole number ≥ ${min}, got "${values[k]}"`);
  return v;
};
const CASES = num('cases', 1);
const CHAOS_SECONDS = num('duration', 1);
const TIMEOUT_SECONDS = num('timeout', CHAOS_SECONDS);
const SEED = num('seed', 0);
const CONCURRENCY = num('concurrency', 1);
/** The roles a birth-group case needs: the workflow worker and the agencies of its steps. */
const ROLES: WorkerRole[] = ['engine', ...getProcedure('birth-group').agencies];
const TTL = 24 * 3600;

interface Supervised {
  name: string;
  start: () => Promise<ServiceProcess>;
  proc?: ServiceProcess;
  kills: number;
  restarts: number;
  /** Exits nobody asked for (a part that dies by itself under the faults is a finding): restarted too. */
  crashes: number;
  stopping?: boolean;
}

async function startWithRetry(s: Supervised): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const proc = await s.start();
      s.proc = proc;
      void proc.exited.then(async ({ code, signal, tail }) => {
        if (s.stopping || s.proc !== proc || signal === 'SIGKILL') return;
        s.crashes++;
        progress(`${s.name} EXITED BY ITSELF (code ${code}, signal ${signal}): ${tail.slice(-600).replace(/\s+/g, ' ')}`);
        s.stopping = true; // the chaos loop leaves it alone while it comes back
        await startWithRetry(s);
        s.stopping = false;
        progress(`${s.name} restarted after it exited by itself`);
      });
      return;
    } catch (e) {
      progress(`${s.name} did not start (attempt ${attempt}): ${String((e as Error).message).slice(-300).replace(/\s+/g, ' ')}`);
      if (attempt >= 10) throw e;
      await sleep(1000 * attempt); // e.g. Postgres still restarting
    }
  }
}

async function main() {
  const rnd = seededRandom(SEED); // the kill schedule is repeatable with --seed
  progress(`bench:chaos: ${CASES} birth-group cases, chaos for ${CHAOS_SECONDS} s (seed ${SEED}), at most ${TIMEOUT_SECONDS} s in all`);
  const pg = await startThrowawayPostgres();
  const identityDir = mkdtempSync(join(tmpdir(), 'chaos-identity-'));
  const supervised: Supervised[] = [];
  let ok = false;
  try {
    const admin = postgres(pg.url(), { max: 1, onnotice: () => {} });
    for (const db of ['registries', 'devserver']) await admin.unsafe(`create database ${db}`);
    await admin.end();
    const registries = await openRegistriesDatabase({ kind: 'postgres', url: pg.url('registries') });
    await seedPopulation(registries.db, { people: 10_000 });
    const families = await pickFamilies(registries.db, CASES);
    await registries.close();
    progress(`throwaway Postgres on port ${pg.port}; registries migrated and seeded; ${families.length} families`);

    const identity = await openDevIdentityProvider({ dir: identityDir });
    const port = await freePort();
    const apiPort = await freePort();
    // One payload key for every part: histories are encrypted as in production, and the checks decode them.
    const payloadKeys = [generatePayloadKey()];
    const env = { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TLS: 'false', DATABASE_URL: pg.url('registries'), PAYLOAD_KEYS: formatPayloadKeys(payloadKeys) };
    const key = async (subject: string) => (await devCredential(identity, subject, 'default', TTL)).apiKey;
    supervised.push({
      name: 'devserver',
      start: () => spawnService({ name: 'devserver', script: 'devserver/main.ts', args: ['--port', String(port), '--db', pg.url('devserver'), ...devServerAuthArgs(identity)], readyText: 'ready at' }),
      kills: 0,
      restarts: 0,
      crashes: 0,
    });
    for (const role of ROLES) {
      const workerEnv = { ...env, TEMPORAL_API_KEY: await key(workerSubject(role)) };
      supervised.push({ name: `worker ${role}`, start: () => spawnService({ name: `worker ${role}`, script: 'worker/main.ts', args: ['--agency', role], env: workerEnv, readyText: 'workers running' }), kills: 0, restarts: 0, crashes: 0 });
    }
    const apiEnv = { ...env, TEMPORAL_API_KEY: await key('api'), AUTH_DEV_IDENTITY: 'true', IDENTITY_DIR: identityDir, PORT: String(apiPort), HOST: '127.0.0.1' };
    supervised.push({ name: 'API', start: () => spawnService({ name: 'API', script: 'scripts/api.ts', env: apiEnv, readyText: 'API ready at' }), kills: 0, restarts: 0, crashes: 0 });
    for (const s of supervised) await startWithRetry(s);
    progress(`started ${supervised.map((s) => s.name).join(', ')}, each in its own process`);

    // Load: every case driven to its outcome while the chaos runs.
    const driver = new ChaosDriver(`http://127.0.0.1:${apiPort}`, identity);
    const t0 = Date.now();
    const deadline = t0 + TIMEOUT_SECONDS * 1000;
    const tag = `${SEED}-${t0}`;
    const results: CaseResult[] = [];
    const done = phaseProgress('cases at their outcome', CASES);
    let next = 0;
    const load = Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, CASES) }, async () => {
        while (next < CASES) {
          const i = next++;
          results.push(await driver.drive(families[i % families.length]!, i, tag, deadline));
          done.tick();
        }
      }),
    );

    // Chaos: kill one part at a random moment, restart it after a random pause; Postgres once, half way.
    let pgRestarts = 0;
    const chaosEnd = t0 + CHAOS_SECONDS * 1000;
    let loadDone = false;
    void load.then(() => (loadDone = true));
    while (Date.now() < chaosEnd && !loadDone) {
      await sleep(2000 + rnd() * 6000);
      if (pgRestarts === 0 && Date.now() > t0 + (CHAOS_SECONDS * 1000) / 2) {
        const r0 = Date.now();
        pg.restart();
        pgRestarts++;
        progress(`chaos: Postgres restarted (immediate stop: connections cut, no checkpoint) in ${((Date.now() - r0) / 1000).toFixed(1)} s`);
        continue;
      }
      const target = supervised[Math.floor(rnd() * supervised.length)]!;
      if (target.stopping) continue;
      target.stopping = true;
      await target.proc?.kill();
      target.kills++;
      await sleep(300 + rnd() * 2500);
      await startWithRetry(target);
      target.stopping = false;
      target.restarts++;
      progress(`chaos: ${target.name} killed (SIGKILL) and restarted; ${results.length} of ${CASES} cases at their outcome`);
    }
    progress(`chaos over after ${((Date.now() - t0) / 1000).toFixed(0)} s; waiting for the cases to end`);
    await load;
    progress(`load over after ${((Date.now() - t0) / 1000).toFixed(0)} s`);

    // Checks.
    const checks: CheckResult[] = [];
    const crashed = supervised.filter((s) => s.crashes > 0);
    checks.push({ name: 'no part exited by itself', ok: crashed.length === 0, detail: crashed.length ? crashed.map((s) => `${s.name} ${s.crashes}×`).join(', ') : 'none did' });
    const closed = results.filter((r) => r.status === 'closed');
    const outcomes = results.reduce<Record<string, number>>((a, r) => ({ ...a, [`${r.status}${r.outcome ? `:${r.outcome}` : ''}`]: (a[`${r.status}${r.outcome ? `:${r.outcome}` : ''}`] ?? 0) + 1 }), {});
    checks.push({ name: 'every case reached its outcome', ok: closed.length === CASES, detail: `${closed.length} of ${CASES} closed; ${JSON.stringify(outcomes)}` });
    const caseIds = results.map((r) => r.caseId).filter((id): id is string => !!id);
    checks.push({ name: 'one case per application (idempotent retries)', ok: new Set(caseIds).size === caseIds.length, detail: `${caseIds.length} case ids, ${new Set(caseIds).size} distinct` });
    const db = await openRegistriesDatabase({ kind: 'postgres', url: pg.url('registries') });
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, ...(await devCredential(identity, 'api', 'default', TTL)) });
    const client = new Client({ connection, namespace: 'default', dataConverter: createDataConverter({ keyring: createKeyring(payloadKeys) }) });
    try {
      checks.push(...(await registryChecks(db.db, closed.map((r) => r.caseId!))));
      checks.push(await projectionCheck(client, db.db, caseIds));
      const activityRetries = await countActivityRetries(client, caseIds);
      progress(`counts: ${supervised.map((s) => `${s.name} killed ${s.kills}× restarted ${s.restarts}×`).join('; ')}; Postgres restarted ${pgRestarts}×`);
      progress(`retries: ${driver.stats.retries} client requests retried; ${activityRetries} activity attempts after the first`);
      for (const [what, n] of [...driver.stats.failures].sort((a, b) => b[1] - a[1]).slice(0, 8)) progress(`    ${n} × ${what}`);
    } finally {
      await connection.close();
      await db.close();
    }
    for (const c of checks) console.log(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
    ok = checks.every((c) => c.ok);
    console.log(ok ? 'bench:chaos: every check passed' : 'bench:chaos: a check FAILED');
  } finally {
    for (const s of supervised.reverse()) {
      s.stopping = true;
      await s.proc?.stop(5000);
    }
    pg.stop();
    rmSync(identityDir, { recursive: true, force: true });
  }
  process.exit(ok ? 0 : 1);
}

/** Activity attempts after the first in the cases' histories (retries the failures caused). */
async function countActivityRetries(client: Client, caseIds: string[]): Promise<number> {
  let n = 0;
  for (const id of caseIds) {
    const history = await client.workflow.getHandle(`${CASE_PREFIX}${id}`).fetchHistory().catch(() => null);
    for (const e of history?.events ?? []) n += Math.max(0, (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
  }
  return n;
}

await main();
