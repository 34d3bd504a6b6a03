/**
 * `npm run bench:replay`: what a case out of the engine worker's workflow cache costs it — the replay of its history
 * before the new task is handled (bench:scale's decision on a random case among 10,000 or more open ones). One
 * birth-group case is run to its end on an in-memory stack (officers automated), its history fetched; then the SDK's
 * replayer (`EngineWorker.runReplayHistories`, the engine's workflow bundle and payload codec) replays two cuts of it
 * REPLAYS times each after WARMUP replays: the case as it waits for the justice officer, and the whole case. Prints
 * the CPU per replay of this process (the replayer runs the sandbox on this thread), events and workflow tasks.
 * Options: REPLAYS (300), WARMUP (50). Profile with `npx tsx --cpu-prof bench/replay-cost.ts` for the shares (our
 * workflow function against the SDK's workflow creation and activations).
 */
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import protoRoot, { type temporal } from '@temporalio/proto';
import { startStack } from '../scripts/stack';
import { engineBundleOptions } from '../worker/agency-worker';
import { EngineWorker } from '../worker/sandbox/engine-worker';
import { createDataConverter } from '../worker/codec/data-converter';
import { createKeyring, generatePayloadKey } from '../worker/codec/keyring';
import { caseWorkflowId } from '../workflows/case-client';
import { pickFamilies, runBirthCase } from './birth-application';
import { wholeNumberEnv } from './env-options';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const REPLAYS = wholeNumberEnv(process.env, 'REPLAYS', 300, 1);
const WARMUP = wholeNumberEnv(process.env, 'WARMUP', 50, 0);
const EventType = (protoRoot as unknown as typeof import('@temporalio/proto')).temporal.api.enums.v1.EventType;
type History = temporal.api.history.v1.IHistory;

const log = (m: string) => console.log(`[${(performance.now() / 1000).toFixed(1).padStart(6)} s] ${m}`);

/** One birth-group case to its end (the officers and the household head automated); its history. */
async function birthCaseHistory(dataConverter: ReturnType<typeof createDataConverter>): Promise<History> {
  const stack = await startStack({ registries: { kind: 'pglite-memory' }, devserverDb: ':memory:', dataConverter, seedPeople: 2000, log: () => {} });
  try {
    const [f] = await pickFamilies(stack.database.db, 1);
    const { caseId, status } = await runBirthCase(stack.wiring.service, f, 0, 100, 60_000);
    if (status === 'failed') throw new Error(`case ${caseId} failed`);
    const connection = await Connection.connect({ address: stack.temporalAddress });
    try {
      return await new Client({ connection, namespace: stack.namespace }).workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
    } finally {
      await connection.close();
    }
  } finally {
    await stack.close();
  }
}

/** The history as it stood when the case waited for the justice officer: before the first update's workflow task. */
function waitingCut(history: History): History {
  const events = history.events ?? [];
  const firstUpdate = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  if (firstUpdate < 3) throw new Error('the case history has no officer decision');
  return { events: events.slice(0, firstUpdate - 3) }; // its workflow task: scheduled, started, completed
}

const workflowTasks = (h: History) => (h.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length;

async function replayCpu(workflowBundle: { code: string }, dataConverter: ReturnType<typeof createDataConverter>, history: History, times: number): Promise<number> {
  const histories = (async function* () {
    for (let i = 0; i < times; i++) yield { workflowId: `replay-${i}`, history };
  })();
  const c0 = process.cpuUsage();
  // The read-model sink is not called during replay (as in production); it is declared so the workflow finds it.
  const sinks = { readModel: { projectCase: { fn: () => {}, callDuringReplay: false } } };
  // As ops replay and the designer's replay run it (EngineWorker: no watchdog thread per call into the sandbox).
  for await (const r of EngineWorker.runReplayHistories({ workflowBundle, dataConverter, sinks } as Parameters<typeof Worker.runReplayHistories>[0], histories)) {
    if (r.error) throw r.error;
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / times;
}

async function main(): Promise<void> {
  const dataConverter = createDataConverter({ keyring: createKeyring([generatePayloadKey()]) });
  log('running one birth-group case to its end on an in-memory stack');
  const whole = await birthCaseHistory(dataConverter);
  const cuts: [string, History][] = [
    ['waiting for the justice officer (a decision on an uncached case replays this first)', waitingCut(whole)],
    ['the whole case', whole],
  ];
  const workflowBundle = await bundleWorkflowCode({ ...engineBundleOptions(), logger: new DefaultLogger('ERROR') });
  const rows: string[] = [];
  for (const [label, history] of cuts) {
    if (WARMUP > 0) await replayCpu(workflowBundle, dataConverter, history, WARMUP);
    const ms = await replayCpu(workflowBundle, dataConverter, history, REPLAYS);
    const line = `${(history.events ?? []).length} events, ${workflowTasks(history)} workflow tasks: ${ms.toFixed(2)} ms of CPU per replay (${REPLAYS} replays after ${WARMUP})`;
    log(`${label}: ${line}`);
    rows.push(`| ${label} | ${(history.events ?? []).length} | ${workflowTasks(history)} | ${ms.toFixed(2)} | ${(ms / Math.max(1, workflowTasks(history))).toFixed(2)} |`);
  }
  console.log(`\n### bench:replay — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · Node ${process.version}\n`);
  console.log('| history | events | workflow tasks | CPU ms per replay | per workflow task |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(r);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
