import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { overlapMs, pausesReport, readPauses, type Pause } from '../../bench/pauses';
import { RECORD_PAUSES } from '../../bench/services';

const dir = mkdtempSync(join(tmpdir(), 'pauses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `script` in a Node process with the pause recorder preloaded; the pauses it wrote. */
function runRecorded(name: string, script: string, opts: { minMs: number; nodeFlags?: string[] }): Pause[] {
  const file = join(dir, `${name}.jsonl`);
  execFileSync(process.execPath, [...(opts.nodeFlags ?? []), '--import', RECORD_PAUSES, '--input-type=module', '-e', script], {
    env: { ...process.env, BENCH_PAUSES_FILE: file, BENCH_PAUSES_MIN_MS: String(opts.minMs) },
    stdio: 'inherit',
  });
  return readPauses(name, file);
}

// A thread that computes for 150 ms without yielding: its 10 ms timer comes at least 140 ms late.
const BUSY = 'const end = Date.now() + 150; while (Date.now() < end) {}';

describe('the pause recorder (bench/record-pauses.mjs)', () => {
  it("records a stall of the main thread and of a worker thread, each with its thread's id", () => {
    const script = `
      import { Worker } from 'node:worker_threads';
      await new Promise((r) => setTimeout(r, 50));
      ${BUSY}
      const w = new Worker(\`await new Promise((r) => setTimeout(r, 50)); ${BUSY} await new Promise((r) => setTimeout(r, 50));\`, { eval: true, type: 'module' });
      await new Promise((r) => w.once('exit', r));`;
    const pauses = runRecorded('threads', script, { minMs: 20 });
    const stalls = pauses.filter((p) => p.kind === 'stall' && p.ms >= 100);
    expect(stalls.some((p) => p.thread === 0)).toBe(true);
    expect(stalls.some((p) => p.thread !== 0)).toBe(true);
    for (const p of pauses) expect(p.t).toBeGreaterThan(Date.now() - 600_000);
  });

  it('records a major garbage collection with the heap it left in use', () => {
    // 64 MB of live arrays of doubles (in the heap, unlike a typed array's bytes) held across the collection.
    const script = 'globalThis.kept = Array.from({ length: 8 }, (_, i) => new Array(2 ** 20).fill(i + 0.5)); globalThis.gc(); await new Promise((r) => setTimeout(r, 50));';
    const pauses = runRecorded('gc', script, { minMs: 0, nodeFlags: ['--expose-gc'] });
    const majors = pauses.filter((p) => p.kind === 'gc:major');
    expect(majors.length).toBeGreaterThan(0);
    expect(Math.max(...majors.map((p) => p.heapMB!))).toBeGreaterThanOrEqual(60);
    expect(pauses.filter((p) => p.kind !== 'gc:major').every((p) => p.heapMB === undefined)).toBe(true);
  });

  it('records nothing without BENCH_PAUSES_FILE', () => {
    const out = execFileSync(process.execPath, ['--import', RECORD_PAUSES, '-e', `${BUSY}; console.log('done')`], {
      env: { ...process.env, BENCH_PAUSES_FILE: '' },
    });
    expect(out.toString()).toBe('done\n');
  });
});

describe("pausesReport: a slow request's pauses", () => {
  const at = 1_000_000;
  const pause = (process: string, thread: number, kind: string, t: number, ms: number): Pause => ({ process, thread, kind, t: at + t, ms });

  it('counts the overlap only', () => {
    expect(overlapMs(pause('x', 0, 'stall', 90, 20), { t: at + 100, ms: 50 })).toBe(10);
    expect(overlapMs(pause('x', 0, 'stall', 160, 20), { t: at + 100, ms: 50 })).toBe(0);
  });

  it('names the thread that stood still during each of the slowest requests, and says when none did', () => {
    const requests = [...Array.from({ length: 98 }, (_, i) => ({ t: at + i * 100, ms: 20 })), { t: at + 10_000, ms: 300 }, { t: at + 11_000, ms: 250 }];
    const pauses = [pause('worker engine', 1, 'stall', 10_050, 200), pause('worker engine', 1, 'gc:major', 10_060, 150), pause('devserver', 0, 'stall', 50_000, 500)];
    const lines = pausesReport(requests, pauses, 2);
    expect(lines[0]).toMatch(/^pauses while sampled, per request: worker engine thread 1 2\.0 ms stalled \(1\), 1\.5 ms GC \(1\), longest 200 ms$/);
    expect(lines[0]).not.toContain('devserver'); // after the last request
    expect(lines[1]).toBe('  300.0 ms at +10.0 s: worker engine thread 1 stall 200 ms, worker engine thread 1 gc:major 150 ms');
    expect(lines[2]).toBe('  250.0 ms at +11.0 s: no pause of any service');
  });

  it("says the heap a thread's major GCs left, per thread and at each slow request", () => {
    const requests = [...Array.from({ length: 99 }, (_, i) => ({ t: at + i * 100, ms: 20 })), { t: at + 10_000, ms: 300 }];
    const major = (t: number, heapMB: number): Pause => ({ ...pause('devserver', 0, 'gc:major', t, 60), heapMB });
    const lines = pausesReport(requests, [major(1_000, 300), major(5_000, 420), major(10_100, 410)], 1);
    expect(lines[0]).toBe('pauses while sampled, per request: devserver 0.0 ms stalled (0), 1.8 ms GC (3), longest 60 ms, heap after a major GC p50 410 MB (largest 420)');
    expect(lines[1]).toBe('  300.0 ms at +10.0 s: devserver gc:major 60 ms (heap 410 MB after)');
  });

  it('reads the heap a recorder wrote, and skips what is not a pause', () => {
    const file = join(dir, 'lines.jsonl');
    writeFileSync(file, ['{"kind":"gc:major","t":5,"ms":30,"thread":2,"heapMB":512}', '{"kind":"stall","t":9,"ms":25,"thread":0}', '{"kind":"gc:major","t":"x"}', '{"cut'].join('\n'));
    expect(readPauses('engine', file)).toEqual([
      { process: 'engine', thread: 2, kind: 'gc:major', t: 5, ms: 30, heapMB: 512 },
      { process: 'engine', thread: 0, kind: 'stall', t: 9, ms: 25 },
    ]);
  });

  it('says so when nothing paused, and nothing for no request', () => {
    expect(pausesReport([{ t: at, ms: 5 }], [], 1)).toEqual(['no thread of any service paused while they were sampled', '  5.0 ms at +0.0 s: no pause of any service']);
    expect(pausesReport([], [])).toEqual([]);
  });
});
