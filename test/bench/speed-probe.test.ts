/**
 * The VM speed probe beside a bench: a real probe process measuring its fixed unit of work, read over windows of
 * time, stopped by `stop()` or gone by itself when the bench that started it is killed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { atReferenceSpeed, REFERENCE_PROBE_UNIT_MS, startSpeedProbe } from '../../bench/speed-probe';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the speed probe', () => {
  it('reads the CPU its unit took over a window, and nothing outside one', async () => {
    const from = Date.now();
    const probe = await startSpeedProbe({ intervalMs: 50, iterations: 500 });
    try {
      await sleep(600);
      const to = Date.now();
      const reading = probe.during(from, to)!;
      // Units every 50 ms for ~0.6 s: several, each a positive amount of CPU of a few ms at most.
      expect(reading.samples).toBeGreaterThanOrEqual(3);
      expect(reading.meanUnitMs).toBeGreaterThan(0);
      expect(reading.meanUnitMs).toBeLessThan(1000);
      expect(probe.during(from - 60_000, from - 1)).toBeNull();
      const later = probe.during(to + 1, to + 60_000);
      expect(later === null || later.samples < reading.samples).toBe(true);
    } finally {
      await probe.stop();
    }
    expect(alive(probe.pid)).toBe(false);
  });

  it('scales a figure to the reference speed by the probe unit', () => {
    expect(atReferenceSpeed(100, REFERENCE_PROBE_UNIT_MS)).toBeCloseTo(100, 9);
    expect(atReferenceSpeed(100, 2 * REFERENCE_PROBE_UNIT_MS)).toBeCloseTo(50, 9);
    expect(atReferenceSpeed(94.2, 9.42)).toBeCloseTo((94.2 * REFERENCE_PROBE_UNIT_MS) / 9.42, 9);
  });

  it('leaves by itself when the bench that started it is killed', async () => {
    const bench = spawn(process.execPath, ['--import', 'tsx', 'test/bench/fixtures/probe-that-dies.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      bench.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{"probe"'));
        if (line) resolve((JSON.parse(line) as { probe: number }).probe);
      });
      bench.once('exit', (code) => reject(new Error(`the bench exited with ${code} before its probe was up: ${out}`)));
    });
    expect(alive(pid)).toBe(true);
    bench.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await sleep(100);
    expect(alive(pid)).toBe(false);
  }, 30_000);
});
