/**
 * `npm run bench:devserver` — devserver throughput and latency with the real SDK worker and client.
 *
 *  - 200 workflows of 3 sequential activities started concurrently: workflows completed per second,
 *    p50/p99 start-to-result latency;
 *  - time per workflow task at history length ~10 vs ~1,000 (sticky cache on);
 *  - update round-trip latency p50/p99, accepted and rejected by the validator, on a worker with the SDK's
 *    default options (bench/update-latency.ts);
 *  - the devserver alone: the same workflows run by a minimal protocol-level worker (bench/protocol-worker.ts,
 *    no SDK sandbox), so the figures show what the server sustains when the worker is cheap (the SDK worker's
 *    JS thread saturates first);
 * against durable Postgres (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres, in a fresh bench
 * database) and against PGlite (embedded, on disk). A progress line per phase as it goes; at the end Markdown tables
 * headed with the date and the machine, and the targets judged (bench/devserver-report.ts).
 *
 * In the devserver-alone phase the load generator is lean as well: the protocol worker and the client that
 * starts the workflows and waits for their results speak gRPC through bench/lean-grpc-client.ts (node:http2,
 * no grpc-js), so the bench process costs little next to the server on a small machine.
 *
 * Env: BENCH_WORKFLOWS (default 200), BENCH_LONG_ACTIVITIES (default 170), BENCH_UPDATES (default 50), BENCH_TARGETS=postgres,pglite
 * (an unknown target is an error),
 * BENCH_WARMUP (default 100: workflows run concurrently before each phase's measurement — the devserver's cost
 * per workflow falls a lot over its first few hundred workflows, as V8 compiles its hot paths),
 * BENCH_PROTOCOL_POLLERS (default 32: the protocol worker's workflow task pollers, and as many activity pollers;
 * on 2 cores, in paired runs on Postgres, 32 gave ~116 wf/s, 16 ~112, 8 ~104; the spread between runs is ±15).
 */
import { HARNESS_WORKFLOWS_PATH } from '../devserver/harness/workflows-path';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { withDatabaseName } from '../db/connection';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { cpuSeconds, spawnDevServer } from './devserver-process';
import { ProtocolWorker } from './protocol-worker';
import { pct, postgresCpu, postgresCpuSince, selfCpuSeconds, timeAtWorker, tsMs } from './measure';
import { runThreeActivities, SDK_WORKER_TUNING } from './three-activities';
import { LeanGrpcClient } from './lean-grpc-client';
import { measureUpdateLatency } from './update-latency';
import { devserverBenchSummary, type AloneFigures, type DevserverRun, type LoadFigures } from './devserver-report';
import { progress } from './report';
import * as activities from '../devserver/harness/activities';
import { nameListEnv, wholeNumberEnv } from './env-options';

const WORKFLOWS = wholeNumberEnv(process.env, 'BENCH_WORKFLOWS', 200);
const LONG_ACTIVITIES = wholeNumberEnv(process.env, 'BENCH_LONG_ACTIVITIES', 170);
/** Accepted and as many rejected updates, one at a time, on a worker with the SDK's default options. */
const UPDATES = wholeNumberEnv(process.env, 'BENCH_UPDATES', 50);
/** Workflows run (concurrently) before each phase's measurement, so both phases measure a warm server. */
const WARMUP = wholeNumberEnv(process.env, 'BENCH_WARMUP', 100, 0);
/** Workflow task pollers of the protocol worker (half on the sticky queue), and as many activity pollers. */
const PROTOCOL_POLLERS = wholeNumberEnv(process.env, 'BENCH_PROTOCOL_POLLERS', 32);
const TARGETS = nameListEnv(process.env, 'BENCH_TARGETS', ['postgres', 'pglite']);
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
});
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;

/**
 * Runs `run(0..WORKFLOWS-1)` concurrently and measures wall time, start-to-result latencies and the CPU time of
 * the devserver process, the bench database's Postgres processes and this process meanwhile.
 */
async function measureLoad(run: (i: number) => Promise<void>, serverPid: number | undefined, pgDb: string | null): Promise<LoadFigures> {
  const latencies: number[] = [];
  const cpu0 = cpuSeconds(serverPid);
  const pg0 = pgDb == null ? new Map<number, number>() : postgresCpu(pgDb);
  const self0 = selfCpuSeconds();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: WORKFLOWS }, async (_, i) => {
      const s = performance.now();
      await run(i);
      latencies.push(performance.now() - s);
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const serverCpu = cpuSeconds(serverPid) - cpu0;
  const perWf = (sec: number) => (sec * 1000) / WORKFLOWS;
  return {
    wfPerSec: WORKFLOWS / elapsed,
    serverCpuShare: serverCpu / elapsed,
    cpuMsPerWorkflow: {
      devserver: perWf(serverCpu),
      postgres: pgDb == null ? null : perWf(postgresCpuSince(pgDb, pg0)),
      worker: perWf(selfCpuSeconds() - self0),
    },
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
  };
}

/**
 * Throughput, latency under load and unloaded latency of `threeActivities` run by the protocol worker; every
 * result is checked against what the workflow returns. The workflows are started and awaited through the lean
 * gRPC client (not @temporalio/client), like the protocol worker's own calls.
 */
async function benchAlone(target: string, address: string, serverPid: number | undefined, pgDb: string | null): Promise<AloneFigures> {
  const taskQueue = `bench-proto-${randomUUID().slice(0, 6)}`;
  const worker = new ProtocolWorker({ address, taskQueue, workflowPollers: PROTOCOL_POLLERS, activityPollers: PROTOCOL_POLLERS });
  const rpc = new LeanGrpcClient(address);
  const identity = `bench-client-${process.pid}`;
  await worker.start();
  try {
    const run = (id: string, x: string) => runThreeActivities(rpc, taskQueue, `${id}-${taskQueue}`, x, identity);
    // warm-up
    await Promise.all(Array.from({ length: WARMUP }, (_, i) => run(`pwarm-${i}`, `w${i}`)));
    progress(`${target}, devserver alone: ${WARMUP} warm-up workflows done`);

    const load = await measureLoad((i) => run(`ptp-${i}`, String(i)), serverPid, pgDb);
    progress(`${target}, devserver alone: ${WORKFLOWS} at once, ${load.wfPerSec.toFixed(1)} wf/s, p50 ${load.p50.toFixed(1)} ms`);

    const single: number[] = [];
    for (let i = 0; i < 30; i++) {
      const s = performance.now();
      await run(`pseq-${i}`, `s${i}`);
      single.push(performance.now() - s);
    }
    progress(`${target}, devserver alone: 30 one at a time, p50 ${pct(single, 50).toFixed(1)} ms`);
    await worker.stop(); // its tasks in flight end first, so the counts below are complete
    const st = worker.stats;
    if (st.errors > 0 || st.staleTasks > 0 || st.fullHistoryFetches > 0) {
      console.warn(`${target}: protocol worker: ${st.errors} errors, ${st.staleTasks} stale tasks, ${st.fullHistoryFetches} full-history fetches`);
    }
    return {
      ...load,
      singleP50: pct(single, 50),
      singleP99: pct(single, 99),
      tasks: `${st.workflowTasks} workflow tasks (${st.stickyTasks} from the sticky queue), ${st.activityTasks} activity tasks (${st.eagerActivityTasks} eager) for ${st.completedWorkflows} workflows`,
    };
  } finally {
    await worker.stop();
    await rpc.close();
  }
}

async function benchTarget(target: string, db: string): Promise<DevserverRun> {
  const server = await spawnDevServer(db, PROFILE_DIR);
  progress(`${target}: devserver started`);
  /** The Postgres database the devserver uses (null: PGlite, in the devserver process). */
  const pgDb = target === 'postgres' ? decodeURIComponent(new URL(db).pathname.slice(1)) : null;
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: HARNESS_WORKFLOWS_PATH,
    logger: new DefaultLogger('ERROR'),
  });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const taskQueue = `bench-${randomUUID().slice(0, 6)}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle,
    activities,
    ...SDK_WORKER_TUNING,
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    return await worker.runUntil(async () => {
      // warm-up
      await Promise.all(
        Array.from({ length: WARMUP }, (_, i) => client.workflow.execute('threeActivities', { taskQueue, workflowId: `warm-${i}-${taskQueue}`, args: ['w'] })),
      );
      progress(`${target}, SDK worker: ${WARMUP} warm-up workflows done`);

      // 1) throughput and latency
      const load = await measureLoad(
        async (i) => {
          const h = await client.workflow.start('threeActivities', { taskQueue, workflowId: `tp-${i}-${taskQueue}`, args: [String(i)] });
          await h.result();
        },
        server.pid,
        pgDb,
      );
      progress(`${target}, SDK worker: ${WORKFLOWS} at once, ${load.wfPerSec.toFixed(1)} wf/s, p50 ${load.p50.toFixed(1)} ms`);

      // 1b) unloaded latency: one workflow at a time
      const single: number[] = [];
      const atWorker: number[] = [];
      for (let i = 0; i < 30; i++) {
        const s = performance.now();
        const handle = await client.workflow.start('threeActivities', { taskQueue, workflowId: `seq-${i}-${taskQueue}`, args: [String(i)] });
        await handle.result();
        single.push(performance.now() - s);
        atWorker.push(timeAtWorker((await handle.fetchHistory()).events ?? []));
      }
      progress(`${target}, SDK worker: 30 one at a time, p50 ${pct(single, 50).toFixed(1)} ms`);

      // 1c) update round trips on a worker with default options
      const updates = await measureUpdateLatency(nativeConnection, client, workflowBundle, UPDATES);
      progress(`${target}, SDK worker: ${UPDATES} + ${UPDATES} update round trips, accepted p50 ${updates.acceptedP50.toFixed(1)} ms, rejected p50 ${updates.rejectedP50.toFixed(1)} ms`);

      // 2) per-workflow-task cost vs history length (one workflow, sticky cache on)
      const h = await client.workflow.start('manyActivities', { taskQueue, workflowId: `long-${taskQueue}`, args: [LONG_ACTIVITIES] });
      await h.result();
      const hist = await h.fetchHistory();
      const events = hist.events ?? [];
      progress(`${target}, SDK worker: one workflow of ${LONG_ACTIVITIES} activities, ${events.length} events`);
      const wft: { at: number; ms: number }[] = [];
      const scheduled = new Map<number, number>();
      for (const e of events) {
        const id = Number(e.eventId);
        if (e.workflowTaskScheduledEventAttributes) scheduled.set(id, tsMs(e.eventTime));
        if (e.workflowTaskCompletedEventAttributes) {
          const sid = Number(e.workflowTaskCompletedEventAttributes.scheduledEventId);
          const st = scheduled.get(sid);
          if (st != null) wft.push({ at: sid, ms: tsMs(e.eventTime) - st });
        }
      }
      const near = (n: number) => {
        const xs = wft
          .slice()
          .sort((a, b) => Math.abs(a.at - n) - Math.abs(b.at - n))
          .slice(0, 10)
          .map((x) => x.ms);
        return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      };
      // 3) the devserver alone: the protocol worker on its own queue (the SDK worker stays idle on its queue)
      const alone = await benchAlone(target, server.address, server.pid, pgDb);

      return {
        target,
        alone,
        updates,
        ...load,
        singleP50: pct(single, 50),
        singleP99: pct(single, 99),
        singleAtWorkerP50: pct(atWorker, 50),
        wftAt10: near(10),
        wftAt1000: near(Math.min(1000, events.length - 10)),
      };
    });
  } finally {
    await connection.close();
    await nativeConnection.close();
    await server.stop();
  }
}

async function main() {
  const results: DevserverRun[] = [];
  if (TARGETS.includes('postgres')) {
    const name = `devserver_bench_${randomUUID().slice(0, 8)}`;
    const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    try {
      results.push(await benchTarget('postgres', withDatabaseName(PG_URL, name)));
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
  }
  if (TARGETS.includes('pglite')) {
    const dir = mkdtempSync(join(tmpdir(), 'devserver-bench-'));
    try {
      results.push(await benchTarget('pglite (dir)', dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(
    `\n${devserverBenchSummary(results, {
      workflows: WORKFLOWS,
      warmup: WARMUP,
      longActivities: LONG_ACTIVITIES,
      updates: UPDATES,
      protocolPollers: PROTOCOL_POLLERS,
      cores: cpus().length,
    })}`,
  );
  process.exit(0);
}

await main();
