/**
 * Regression of `npm run bench:chaos` (seed 3): when Postgres restarted under load, the engine and police workers
 * exited (postgres.js raised "Cannot read properties of null (reading 'write')" outside any caller; an ECONNRESET
 * rejection nobody handled). The entry points now install db/connection-loss.ts: a lost connection is logged and
 * the process lives on; any other uncaught error still ends it. Real processes, a real Postgres restarted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isConnectionLoss } from '../../db/connection-loss';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../bench/throwaway-postgres';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = 'test/db/connection-loss-child.ts';

function run(arg: string): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, arg], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, out: () => out, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}
const waitFor = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(100);
  return cond();
};

let pg: ThrowawayPostgres | undefined;
afterAll(() => pg?.stop());

describe('a database restart does not end the process', () => {
  it('classifies connection losses (the errors the chaos run caught) and nothing else', () => {
    expect(isConnectionLoss(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error('x'), { code: 'CONNECTION_CLOSED' }))).toBe(true);
    const socketGone = new TypeError("Cannot read properties of null (reading 'write')");
    socketGone.stack = `${socketGone.message}\n    at Immediate.nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)`;
    expect(isConnectionLoss(socketGone)).toBe(true);
    expect(isConnectionLoss(new TypeError("Cannot read properties of null (reading 'write')"))).toBe(false);
    expect(isConnectionLoss(new Error('a real bug'))).toBe(false);
  });

  it('a connection-loss rejection nobody handles is logged; any other still ends the process', async () => {
    const lost = run('reset-rejection');
    expect(await lost.exited).toBe(0);
    expect(lost.out()).toMatch(/database connection lost[\s\S]*alive/);
    const bug = run('bug-rejection');
    expect(await bug.exited).toBe(1);
    expect(bug.out()).toContain('a real bug');
    expect(bug.out()).not.toContain('alive');
  });

  it('a process with queries in flight lives through a Postgres restart and queries again', async () => {
    pg = await startThrowawayPostgres();
    const p = run(pg.url());
    try {
      expect(await waitFor(() => /ok \d+/.test(p.out()), 30_000)).toBe(true);
      pg.restart();
      const before = p.out().length;
      expect(await waitFor(() => /ok \d+/.test(p.out().slice(before)), 30_000), p.out().slice(-500)).toBe(true);
      expect(p.child.exitCode).toBeNull();
    } finally {
      p.child.kill('SIGKILL');
    }
  });
});
