/**
 * `npm run bench:devserver`'s summary: Markdown tables headed with the date and the machine, and the devserver's
 * targets judged per target. Figures made up, the report's own code.
 */
import { describe, expect, it } from 'vitest';
import { devserverBenchSummary, taskCostFlat, type DevserverRun } from '../../bench/devserver-report';

const postgres: DevserverRun = {
  target: 'postgres',
  wfPerSec: 84.2,
  serverCpuShare: 0.63,
  cpuMsPerWorkflow: { devserver: 6.4, postgres: 3.9, worker: 10.8 },
  p50: 1896.7,
  p99: 2648.5,
  singleP50: 27.0,
  singleP99: 46.7,
  singleAtWorkerP50: 17.1,
  wftAt10: 4.0,
  wftAt1000: 5.5,
  updates: { count: 50, acceptedP50: 12.5, acceptedP99: 30.25, rejectedP50: 8.0, rejectedP99: 19.0 },
  alone: {
    wfPerSec: 212.0,
    serverCpuShare: 0.9,
    cpuMsPerWorkflow: { devserver: 4.9, postgres: 3.0, worker: 2.5 },
    p50: 900,
    p99: 1200,
    singleP50: 17.6,
    singleP99: 33.7,
    tasks: '2660 workflow tasks (1995 from the sticky queue), 1995 activity tasks (1330 eager) for 665 workflows',
  },
};
const pglite: DevserverRun = {
  ...postgres,
  target: 'pglite (dir)',
  wfPerSec: 40,
  cpuMsPerWorkflow: { devserver: 30.0, postgres: null, worker: 18.0 },
  singleP50: 35,
  wftAt10: 4,
  wftAt1000: 9,
  alone: { ...postgres.alone, wfPerSec: 150, singleP50: 25 },
};

const settings = { workflows: 200, warmup: 100, longActivities: 170, updates: 50, protocolPollers: 32, cores: 2 };

/** The Markdown tables of a text: each a header, a separator of as many cells, and rows of as many cells. */
function tables(text: string): string[][][] {
  const out: string[][][] = [];
  let current: string[][] | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      current = null;
      continue;
    }
    const cells = line.slice(1, -1).split(' | ').map((c) => c.trim());
    if (!current) out.push((current = []));
    current.push(cells);
  }
  return out;
}

describe('bench:devserver summary', () => {
  const text = devserverBenchSummary([postgres, pglite], settings);

  it('is headed with the bench, the date, the machine and the load', () => {
    expect(text.split('\n')[0]).toMatch(/^### bench:devserver — \d{4}-\d\d-\d\d \d\d:\d\d UTC · \d+ × .+ · Node v\d+.+ · 200 workflows of 3 sequential activities at once, after 100 warm-up workflows per phase$/);
  });

  it('has three Markdown tables — SDK worker, updates, the devserver alone — with a row per target', () => {
    const ts = tables(text);
    expect(ts).toHaveLength(3);
    for (const t of ts) {
      expect(t[1].every((c) => c === '---')).toBe(true);
      expect(t[1]).toHaveLength(t[0].length);
      expect(t.slice(2).map((r) => r[0])).toEqual(['postgres', 'pglite (dir)']);
      for (const r of t.slice(2)) expect(r).toHaveLength(t[0].length);
    }
    const [sdk, updates, alone] = ts;
    expect(sdk[2]).toEqual(['postgres', '84.2', '1896.7 / 2648.5', '27.0 / 46.7', '17.1', '6.4 / 3.9 / 10.8', '63 %', '4.0 / 5.5']);
    expect(updates[2]).toEqual(['postgres', '12.5 / 30.3', '8.0 / 19.0']);
    expect(alone[2].slice(0, 6)).toEqual(['postgres', '212.0', '900.0 / 1200.0', '17.6 / 33.7', '4.9 / 3.0 / 2.5', '90 %']);
    expect(alone[2][6]).toContain('665 workflows');
    // PGlite runs inside the devserver process: no Postgres of its own to count.
    expect(sdk[3][5]).toBe('30.0 / — (in the devserver) / 18.0');
  });

  it('gives the CPU ceilings from the CPU per workflow', () => {
    // 2 cores × 1,000 ms ÷ (6.4 + 3.9 + 10.8) ms; the SDK worker alone 2,000 ÷ 10.8; the server side 2,000 ÷ 10.3.
    // PGlite: the server side is the devserver alone, 2,000 ÷ 30.0; with the worker 2,000 ÷ 48.0.
    expect(text).toContain('- pglite (dir): with the SDK worker ≈ 41.7 wf/s (the SDK worker and client alone would cap at ≈ 111.1, the server side — devserver + Postgres — at ≈ 66.7)');
    expect(text).toContain('- postgres: with the SDK worker ≈ 94.8 wf/s (the SDK worker and client alone would cap at ≈ 185.2, the server side — devserver + Postgres — at ≈ 194.2); the devserver alone (protocol worker) would cap at ≈ 204.1 wf/s on one core');
  });

  it('judges the targets per target and per worker', () => {
    expect(text).toContain('- postgres, SDK worker: throughput NOT met (84.2 wf/s); p50 NOT met (27.0 ms unloaded, 1896.7 under load); task cost flat (4.0 → 5.5 ms)');
    expect(text).toContain('- postgres, the devserver alone: throughput MET (212.0 wf/s); p50 MET (17.6 ms unloaded, 900.0 under load)');
    expect(text).toContain('- pglite (dir), SDK worker: throughput NOT met (40.0 wf/s); p50 NOT met (35.0 ms unloaded, 1896.7 under load); task cost NOT flat (4.0 → 9.0 ms)');
    expect(text).toContain('- pglite (dir), the devserver alone: throughput NOT met (150.0 wf/s); p50 NOT met (25.0 ms unloaded, 900.0 under load)');
  });

  it('calls a task cost flat within 1.5× or 3 ms of the short history', () => {
    expect(taskCostFlat({ wftAt10: 10, wftAt1000: 15 })).toBe(true);
    expect(taskCostFlat({ wftAt10: 10, wftAt1000: 15.1 })).toBe(false);
    expect(taskCostFlat({ wftAt10: 2, wftAt1000: 5 })).toBe(true);
    expect(taskCostFlat({ wftAt10: 2, wftAt1000: 5.1 })).toBe(false);
  });
});
