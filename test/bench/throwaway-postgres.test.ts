/**
 * The throwaway Postgres cluster of the fault campaign and the statement census goes when the bench that started it
 * goes — stopped by `stop()`, or by its reaper when the bench is killed (SIGKILL: no code of the bench runs) — and
 * takes its directory with it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { startThrowawayPostgres } from '../../bench/throwaway-postgres';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function accepts(port: number): Promise<boolean> {
  const sql = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

async function until(what: string, ok: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('a throwaway Postgres cluster', () => {
  it('is stopped and removed by stop()', async () => {
    const pg = await startThrowawayPostgres({ 'pg_stat_statements.max': '100' });
    expect(await accepts(pg.port)).toBe(true);
    pg.stop();
    expect(await accepts(pg.port)).toBe(false);
    expect(existsSync(pg.dir)).toBe(false);
  }, 60_000);

  it('refuses a setting it cannot pass on its command line', async () => {
    await expect(startThrowawayPostgres({ 'log_line_prefix': '%m [%p] ' })).rejects.toThrow(/a setting it cannot pass on its command line: log_line_prefix/);
  });

  it('is stopped and removed by its reaper when the bench that started it is killed', async () => {
    const bench = spawn(process.execPath, ['--import', 'tsx', 'test/bench/fixtures/throwaway-that-dies.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const started = await new Promise<{ port: number; dir: string }>((resolve, reject) => {
      let out = '';
      bench.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{"port"'));
        if (line) resolve(JSON.parse(line) as { port: number; dir: string });
      });
      bench.once('exit', (code) => reject(new Error(`the bench exited with ${code} before its cluster was up: ${out}`)));
    });
    expect(await accepts(started.port)).toBe(true);
    expect(existsSync(started.dir)).toBe(true);

    bench.kill('SIGKILL');
    await until('the cluster to stop', async () => !(await accepts(started.port)), 30_000);
    await until('its directory to go', () => !existsSync(started.dir), 10_000);
  }, 90_000);
});
