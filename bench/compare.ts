/**
 * `npm run bench:compare` — the same 3-step workflow (`threeActivities`: three sequential echo steps) on
 * DBOS Transact, on the devserver with the Temporal SDK worker, and on the devserver with the protocol-level
 * worker (bench/protocol-worker.ts), in one run: every contender runs in its own process (bench/compare-target.ts),
 * each devserver in its own, each on its own fresh database of the same Postgres; the rounds alternate between
 * them (the order rotates each round), so a noisy neighbour on the machine hurts all three alike.
 *
 * Per round and contender: BENCH_WORKFLOWS workflows started at once (wf/s, start-to-result p50/p99, CPU time of
 * every process meanwhile), then BENCH_SINGLE one at a time (unloaded p50/p99). At the end: figures per contender,
 * ratios to DBOS, the issue's goals met or not — and when not, which process and which cost holds them — and a
 * Markdown table for docs/performance.md.
 *
 * Env: DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres; the bench creates and drops its databases),
 * BENCH_WORKFLOWS (200), BENCH_ROUNDS (3), BENCH_SINGLE (30), BENCH_WARMUP (1,500 per contender, not measured:
 * with 100 the SDK worker and the devserver were still JIT-compiling hot code in the measured rounds),
 * BENCH_COMPARE_TARGETS (dbos,sdk,protocol), BENCH_COMPARE_SDK_CLIENT (native: the SDK client on the worker's
 * connection; grpc-js: its own), BENCH_COMPARE_EAGER_START (1: eager workflow start, native client only),
 * BENCH_COMPARE_SDK_SANDBOX (engine: the SDK worker's sandbox set up as the engine's worker sets up its own — the
 * workflow tree preloaded, two frames per stack —; stock: the SDK's defaults),
 * BENCH_PROTOCOL_POLLERS (32), BENCH_COMPARE_PROFILE (1: record a V8
 * CPU profile of every contender and devserver process and print, per process, where its CPU went during the
 * measured batches — by package or source file —; profiling slows them, so the figures of such a run are not the
 * ones to keep), BENCH_PROFILE_DIR (with BENCH_COMPARE_PROFILE=1: keep the profiles there, one folder per process,
 * for bench/profile-areas.ts; else they go to a temporary folder, removed at the end).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { withDatabaseName } from '../db/connection';
import { devServerCounts, spawnDevServer, type DevServerProcess } from './devserver-process';
import { cpuSeconds, machineBusySince, machineTicks, median, postgresCpu, postgresCpuSince } from './measure';
import { fmt, progress } from './report';
import type { TargetAnswer, TargetCommand, TargetName } from './compare-target';
import { sdkSandbox, sdkStartMode } from './three-activities';
import { profileClockUs, runningAndWaiting, selfTimeByArea } from './cpu-profile';
import { nameListEnv, wholeNumberEnv } from './env-options';
import { CLIENT_PROCESS, report, summarize, type Cpu, type ReportSetup, type RoundFigures } from './compare-report';

const WORKFLOWS = wholeNumberEnv(process.env, 'BENCH_WORKFLOWS', 200);
const ROUNDS = wholeNumberEnv(process.env, 'BENCH_ROUNDS', 3);
const SINGLE = wholeNumberEnv(process.env, 'BENCH_SINGLE', 30);
const WARMUP = wholeNumberEnv(process.env, 'BENCH_WARMUP', 1500, 0);
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TARGETS: TargetName[] = nameListEnv(process.env, 'BENCH_COMPARE_TARGETS', ['dbos', 'sdk', 'protocol']);
const CORES = cpus().length;
const PROFILE = process.env.BENCH_COMPARE_PROFILE ?? '0';
if (PROFILE !== '0' && PROFILE !== '1') throw new Error(`BENCH_COMPARE_PROFILE must be 0 or 1, got ${PROFILE}`);
/** Where the CPU profiles go (one folder per process), when profiling. */
const KEEP_PROFILES = PROFILE === '1' && !!process.env.BENCH_PROFILE_DIR;
const PROFILE_ROOT = PROFILE !== '1' ? null : KEEP_PROFILES ? process.env.BENCH_PROFILE_DIR! : mkdtempSync(join(tmpdir(), 'bench-compare-prof-'));

const SDK_START = sdkStartMode(process.env); // validated here, before anything starts
const SDK_SANDBOX = sdkSandbox(process.env);
const TITLES: Record<TargetName, string> = {
  dbos: 'DBOS Transact',
  sdk: `devserver + SDK worker (${SDK_START.label}${SDK_SANDBOX === 'engine' ? ", the engine's sandbox set-up" : ', stock sandbox'})`,
  protocol: `devserver + protocol worker${SDK_START.eagerRequested ? ' (eager start)' : ''}`,
};
const REPORT_SETUP: ReportSetup = { workflows: WORKFLOWS, rounds: ROUNDS, single: SINGLE, cores: CORES, titles: TITLES };

interface Contender {
  name: TargetName;
  child: ChildProcess;
  devserver?: DevServerProcess;
  /** Its Postgres database (DBOS's system database, or the devserver's). */
  database: string;
  /** The measured batches, on the CPU profiles' clock (µs). */
  windows: [number, number][];
}

function ask(child: ChildProcess, command: TargetCommand): Promise<Extract<TargetAnswer, { ok: true }>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`contender process exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (a: TargetAnswer) => {
      child.off('exit', onExit);
      if ('ok' in a && a.ok) resolve(a);
      else reject(new Error('error' in a ? a.error : `unexpected answer ${JSON.stringify(a)}`));
    });
    child.send(command);
  });
}

async function startContender(name: TargetName, databaseUrl: string): Promise<Contender> {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const profileDir = (process: string) => {
    if (!PROFILE_ROOT) return undefined;
    const dir = join(PROFILE_ROOT, `${name}-${process}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const devserver = name === 'dbos' ? undefined : await spawnDevServer(databaseUrl, profileDir('devserver'), { metrics: true });
  const clientProfile = profileDir('client');
  const child = fork(fileURLToPath(new URL('./compare-target.ts', import.meta.url)), [name, devserver?.address ?? databaseUrl], {
    execArgv: ['--import', 'tsx', ...(clientProfile ? ['--cpu-prof', `--cpu-prof-dir=${clientProfile}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', (a: TargetAnswer) => ('ready' in a ? resolve() : reject(new Error(`${name}: ${JSON.stringify(a)}`))));
      child.once('exit', (code) => reject(new Error(`${name}: contender process exited with ${code} while starting`)));
    });
  } catch (e) {
    child.kill('SIGKILL');
    await devserver?.stop();
    throw e;
  }
  return { name, child, devserver, database, windows: [] };
}

function cpuNow(c: Contender) {
  return { client: cpuSeconds(c.child.pid), devserver: c.devserver ? cpuSeconds(c.devserver.pid) : 0, postgres: postgresCpu(c.database) };
}

async function round(c: Contender, r: number): Promise<RoundFigures> {
  const countsBefore = await devServerCounts(c.devserver);
  const before = cpuNow(c);
  const ticks = machineTicks();
  const w0 = profileClockUs();
  const batch = await ask(c.child, { cmd: 'batch', prefix: `r${r}-batch-${randomUUID().slice(0, 6)}`, n: WORKFLOWS });
  c.windows.push([w0, profileClockUs()]);
  const cpu: Cpu = {
    client: cpuSeconds(c.child.pid) - before.client,
    devserver: c.devserver ? cpuSeconds(c.devserver.pid) - before.devserver : 0,
    postgres: postgresCpuSince(c.database, before.postgres),
  };
  const machineBusy = machineBusySince(ticks);
  const counts = await devServerCounts(c.devserver);
  const calls = new Map([...counts.calls].map(([op, n]) => [op, n - (countsBefore.calls.get(op) ?? 0)] as const).filter(([, n]) => n > 0));
  const single = await ask(c.child, { cmd: 'sequence', prefix: `r${r}-single-${randomUUID().slice(0, 6)}`, n: SINGLE });
  const f: RoundFigures = {
    wfPerSec: WORKFLOWS / batch.seconds,
    seconds: batch.seconds,
    cpu,
    loadLatencies: batch.latencies,
    singleLatencies: single.latencies,
    atWorker: single.atWorker ?? [],
    machineBusy,
    calls,
    writes: counts.writes - countsBefore.writes,
    commits: counts.commits - countsBefore.commits,
  };
  const perWf = (s: number) => fmt((s * 1000) / WORKFLOWS);
  progress(
    `round ${r + 1}/${ROUNDS} ${TITLES[c.name]}: ${WORKFLOWS} at once in ${fmt(batch.seconds, 2)} s (${fmt(f.wfPerSec)} wf/s), ` +
      `CPU ms/wf ${CLIENT_PROCESS[c.name]} ${perWf(cpu.client)}${c.devserver ? ` + devserver ${perWf(cpu.devserver)}` : ''} + Postgres ${perWf(cpu.postgres)}; ` +
      `machine ${fmt(machineBusy * 100, 0)}% busy; ${SINGLE} one at a time p50 ${fmt(median(single.latencies))} ms`,
  );
  return f;
}

async function main() {
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const stamp = `${Date.now()}`;
  const dbs = new Map(TARGETS.map((t) => [t, `bench_compare_${stamp}_${t}`]));
  const contenders: Contender[] = [];
  try {
    const [{ version }] = await admin<{ version: string }[]>`select current_setting('server_version') as version`;
    for (const name of dbs.values()) await admin.unsafe(`create database ${name}`);
    progress(`bench:compare: ${TARGETS.map((t) => TITLES[t]).join(', ')} on Postgres ${version} (${PG_URL.replace(/\/[^/]*$/, '/')}…), ${CORES} cores`);
    for (const t of TARGETS) {
      contenders.push(await startContender(t, withDatabaseName(PG_URL, dbs.get(t)!)));
      progress(`${TITLES[t]}: started`);
    }
    for (const c of contenders) {
      if (WARMUP === 0) break;
      const w = await ask(c.child, { cmd: 'batch', prefix: `warm-${randomUUID().slice(0, 6)}`, n: WARMUP });
      progress(`${TITLES[c.name]}: ${WARMUP} warm-up workflows in ${fmt(w.seconds, 2)} s (not measured)`);
    }
    const figures = new Map<TargetName, RoundFigures[]>(TARGETS.map((t) => [t, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < contenders.length; k++) {
        const c = contenders[(k + r) % contenders.length];
        figures.get(c.name)!.push(await round(c, r));
      }
    }
    report(
      REPORT_SETUP,
      TARGETS.map((t) => summarize(REPORT_SETUP, t, figures.get(t)!)),
      `Postgres ${version}`,
    );
  } finally {
    // Stopped before the profiles are read: a process writes its profile when it exits.
    for (const c of contenders) {
      if (c.child.exitCode == null && c.child.signalCode == null) {
        const exited = new Promise((r) => c.child.once('exit', r));
        if (c.child.connected) c.child.send({ cmd: 'stop' } satisfies TargetCommand);
        const kill = setTimeout(() => c.child.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(kill);
      }
      await c.devserver?.stop();
    }
    for (const name of dbs.values()) await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  }
  if (PROFILE_ROOT) {
    reportProfiles(contenders);
    if (KEEP_PROFILES) console.log(`CPU profiles kept in ${PROFILE_ROOT} (one folder per process)`);
    else rmSync(PROFILE_ROOT, { recursive: true, force: true });
  }
  console.log('\n(Figures are noisy on a shared machine: re-take them on a quiet one before comparing with docs/performance.md.)');
}

/** Per process, the areas (package or source file) that took its CPU during the measured batches, in ms per workflow. */
function reportProfiles(contenders: Contender[]) {
  const n = WORKFLOWS * ROUNDS;
  console.log(`\nWhere the CPU went during the measured batches (V8 CPU profiles, self time, ms per workflow; profiling slows every process):`);
  for (const c of contenders) {
    for (const proc of c.devserver ? ['client', 'devserver'] : ['client']) {
      const { areas, waitingMs: waiting } = runningAndWaiting(selfTimeByArea(join(PROFILE_ROOT!, `${c.name}-${proc}`), c.windows));
      const total = areas.reduce((a, x) => a + x.ms, 0);
      const top = areas
        .slice(0, 10)
        .map((a) => `${a.area} ${fmt(a.ms / n, 2)} (${fmt((100 * a.ms) / Math.max(total, 1e-9), 0)}%)`)
        .join(', ');
      console.log(
        `- ${TITLES[c.name]}, ${proc === 'client' ? CLIENT_PROCESS[c.name] : 'devserver'} (${fmt(total / n, 2)} ms/wf running on its JS threads, ` +
          `${fmt(waiting / n, 2)} waiting for a core): ${top}`,
      );
    }
  }
}

await main();
process.exit(0);
