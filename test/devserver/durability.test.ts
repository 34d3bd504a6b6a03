/**
 * Points 6 and 9: the devserver runs in a child process and is killed with SIGKILL while workflows with timers
 * and activities are running; restarted on the same database, every workflow completes exactly once with a
 * well-formed history, and the timers that were pending at the crash still fire.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import protoRoot from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from '../../devserver/harness/activities';
import { eventIds, freePort, freshDatabase, installRuntime, uid, workflowBundle } from './helpers';
import { setTimeout as sleep } from 'node:timers/promises';

 
const proto = protoRoot as any;
const ET = proto.temporal.api.enums.v1.EventType;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function startChild(port: number, db: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'devserver/main.ts', '--port', String(port), '--db', db, '--long-poll-ms', '5000'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATABASE_URL: '' },
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`devserver did not start: ${out}`)), 90_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready at')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!out.includes('ready at')) reject(new Error(`devserver exited (${code}): ${out}`));
    });
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('crash and restart', () => {
  it('every workflow completes exactly once after kill -9, with well-formed histories', { timeout: 240_000 }, async () => {
    installRuntime();
    let dbSpec: string;
    if (process.env.DATABASE_URL) {
      const d = await freshDatabase('durability');
      cleanups.push(d.drop);
      dbSpec = d.db;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'devserver-crash-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      dbSpec = dir;
    }
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    let child = await startChild(port, dbSpec);
    cleanups.push(() => {
      child.kill('SIGKILL');
    });

    const taskQueue = uid('crash');
    const nativeConnection = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
    });
    const workerRun = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await workerRun.catch(() => {});
      await nativeConnection.close();
    });
    let connection = await Connection.connect({ address });
    let client = new Client({ connection });

    const N = 12;
    const ids = Array.from({ length: N }, (_, i) => `${taskQueue}-wf-${i}`);
    await Promise.all(ids.map((workflowId, i) => client.workflow.start('durable', { taskQueue, workflowId, args: [i] })));
    // Let them get going: some timers fired, some activities done, others pending.
    await sleep(600);
    const before = await client.workflow.getHandle(ids[0]).describe();
    expect(before.status.name).toBe('RUNNING');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await connection.close();

    child = await startChild(port, dbSpec);
    connection = await Connection.connect({ address });
    client = new Client({ connection });
    cleanups.push(() => connection.close());

    const results = await Promise.all(ids.map((id) => client.workflow.getHandle(id).result()));
    expect(results).toEqual(ids.map((_, i) => `a${i}|b${i}`));

    for (const id of ids) {
      const h = client.workflow.getHandle(id);
      const hist = await h.fetchHistory();
      const evIds = eventIds(hist);
      expect(evIds).toEqual(Array.from({ length: evIds.length }, (_, i) => i + 1));
      const t = hist.events!.map((e) => Number(e.eventType));
      expect(t.filter((x) => x === ET.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).length).toBe(1);
      expect(t.filter((x) => x === ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED).length).toBe(1);
      expect(t.at(-1)).toBe(ET.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
      expect(t.filter((x) => x === ET.EVENT_TYPE_TIMER_STARTED).length).toBe(3);
      expect(t.filter((x) => x === ET.EVENT_TYPE_TIMER_FIRED).length).toBe(3);
      expect(t.filter((x) => x === ET.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length).toBe(2);
      expect(t.filter((x) => x === ET.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).length).toBe(2);
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, hist, id);
    }
    // one run per workflow id
    for (const id of ids) {
      const d = await client.workflow.getHandle(id).describe();
      expect(d.status.name).toBe('COMPLETED');
    }
  });
});
