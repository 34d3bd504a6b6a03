import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Running: neither gone nor a zombie waiting for a parent that no longer exists to reap it. */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'exit-with-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a bench's services", () => {
  it('shut down when the bench is killed alone (SIGKILL to its pid, not its group)', async () => {
    const bench = spawn(process.execPath, ['--import', 'tsx', 'test/bench/fixtures/bench-that-dies.ts', dir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = '';
      bench.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{"pids"'));
        if (line) resolve((JSON.parse(line) as { pids: number[] }).pids);
      });
      bench.once('exit', (code) => reject(new Error(`the bench exited with ${code} before its services were up: ${out}`)));
    });
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(running(pid)).toBe(true);

    bench.kill('SIGKILL');
    await until('the bench to go', () => bench.exitCode !== null || bench.signalCode !== null, 10_000);
    for (const pid of pids) await until(`service ${pid} to shut down`, () => !running(pid), 30_000);
  }, 90_000);
});
