import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { areaOf, profileClockUs, runningAndWaiting, selfTimeByArea, WAITING_FOR_A_CORE } from '../../bench/cpu-profile';

describe('bench CPU profiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpu-profile-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names areas by package, repository file, Node module and V8 pseudo-function', () => {
    expect(areaOf({ functionName: 'query', url: 'file:///x/node_modules/postgres/src/index.js' })).toBe('postgres');
    expect(areaOf({ functionName: 'f', url: 'file:///x/node_modules/@temporalio/worker/lib/worker.js' })).toBe('@temporalio/worker');
    expect(areaOf({ functionName: 'emit', url: 'node:internal/http2/core' })).toBe('node:internal/http2');
    expect(areaOf({ functionName: '(garbage collector)', url: '' })).toBe('(garbage collector)');
    expect(areaOf({ functionName: 'writev', url: '' })).toBe('(native) writev');
    expect(areaOf({ functionName: 'f', url: new URL('../../devserver/grpc.ts', import.meta.url).href })).toBe('devserver/grpc.ts');
  });

  it('counts the samples of a real profile inside the given windows only', () => {
    const script = join(dir, 'hot.mjs');
    // A busy loop of ~300 ms in a function of its own file.
    writeFileSync(script, 'function spin() { const end = Date.now() + 300; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }\nspin();\n');
    const before = profileClockUs();
    execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${join(dir, 'prof')}`, script]);
    const after = profileClockUs();

    const areas = selfTimeByArea(join(dir, 'prof'), [[before, after]]);
    const total = areas.reduce((a, x) => a + x.ms, 0);
    const hot = areas.find((a) => a.area === script);
    expect(hot).toBeDefined();
    expect(hot!.ms / total).toBeGreaterThan(0.5);
    expect(areas[0].area).toBe(script);

    // A window before the process ran counts nothing.
    expect(selfTimeByArea(join(dir, 'prof'), [[before - 10_000_000, before - 5_000_000]])).toEqual([]);
  });

  it('counts a long gap between samples as waiting for a core, one interval to the frame it was taken in', () => {
    // Samples every 1 ms; after the third the thread was preempted for 8 ms in a socket write (sampled on its return).
    const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, scriptId: '0', lineNumber: 0, columnNumber: 0 } });
    const profile = {
      nodes: [
        { ...frame(1, '(root)', ''), children: [2, 4] },
        { ...frame(2, 'nextWrite', 'file:///x/node_modules/postgres/src/connection.js'), children: [3] },
        frame(3, 'writeBuffer', ''),
        frame(4, '(idle)', ''),
      ],
      startTime: 1_000_000,
      endTime: 1_013_000,
      samples: [2, 2, 3, 2, 2, 4],
      timeDeltas: [1000, 1000, 1000, 8000, 1000, 1000],
    };
    const synthetic = mkdtempSync(join(dir, 'synthetic-'));
    writeFileSync(join(synthetic, 'one.cpuprofile'), JSON.stringify(profile));
    const areas = selfTimeByArea(synthetic, [[0, 2_000_000]]);
    // Each sample stands for the gap to the next: four of 1 ms in the frame; the 8 ms gap after the write counts 1 ms to
    // the write and 7 ms as waiting.
    expect(Object.fromEntries(areas.map((a) => [a.area, a.ms]))).toEqual({ postgres: 4, '(native, from postgres)': 1, [WAITING_FOR_A_CORE]: 7 });
    // Split for the reports: the areas it ran in, largest first, and the waiting apart.
    expect(runningAndWaiting(areas)).toEqual({ areas: [{ area: 'postgres', ms: 4 }, { area: '(native, from postgres)', ms: 1 }], waitingMs: 7 });
  });
});
