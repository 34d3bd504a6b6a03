/**
 * `npm run bench`'s summary: the table of every run's measured batch and issue 18's item 2 judged for each run, with
 * the parts that hold a goal not met, largest first. Figures made up, the report's own code.
 */
import { describe, expect, it } from 'vitest';
import { birthGroupSummary, cheaperCaseVerdict, CHEAPER_CASE_GOALS, everythingMs, type BirthGroupRun } from '../../bench/birth-group-report';

const apart: BirthGroupRun = {
  label: 'Postgres, devserver in its own process',
  casesPerSecond: 18.9,
  p50Ms: 4210.4,
  p99Ms: 5120.6,
  cpuMs: { benchProcess: 52.0, main: 24.5, workflowThreads: 22.5, sdkCore: 4.7, devserver: 17.0, postgres: 25.2 },
  benchProcessCores: 0.99,
  probeUnitMs: 9.42,
};
const pglite: BirthGroupRun = {
  label: 'PGlite (embedded, in memory)',
  casesPerSecond: 12.0,
  p50Ms: 7000,
  p99Ms: 8000,
  cpuMs: { benchProcess: 91, main: 60, workflowThreads: 25, sdkCore: 5, devserver: null, postgres: null },
  benchProcessCores: 1.1,
  probeUnitMs: null,
};

describe('npm run bench summary', () => {
  it('counts every process of a case: the bench process whole, the devserver and Postgres where apart', () => {
    expect(everythingMs(apart)).toBeCloseTo(52.0 + 17.0 + 25.2, 6);
    expect(everythingMs(pglite)).toBe(91);
  });

  it('names what holds a goal not met, largest part first', () => {
    const v = cheaperCaseVerdict(apart);
    expect(v).toContain('CPU per case ≤ 40 ms: NOT met (94.2 ms, everything counted)');
    expect(v).toContain('held by Postgres 25.2 ms, main JavaScript thread 24.5 ms, workflow threads 22.5 ms, devserver 17.0 ms, SDK core 4.7 ms');
    expect(v).toContain('≥ 30 cases/s: NOT met (18.9) — the bench process at 99% of a core, its main thread 24.5 ms per case');
  });

  it('says met, and nothing more, where a run meets the goals', () => {
    const cheap: BirthGroupRun = {
      ...apart,
      casesPerSecond: CHEAPER_CASE_GOALS.minCasesPerSecond,
      cpuMs: { benchProcess: 22, main: 10, workflowThreads: 10, sdkCore: 2, devserver: 8, postgres: 10 },
    };
    expect(cheaperCaseVerdict(cheap)).toBe(`${apart.label}: CPU per case ≤ 40 ms: met (40.0 ms, everything counted); ≥ 30 cases/s: met (30.0)`);
  });

  it('prints a pasteable table of every run and judges each', () => {
    const out = birthGroupSummary([pglite, apart], '100 cases at once');
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^### npm run bench — \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · .* · 100 cases at once$/);
    expect(lines).toContain('| PGlite (embedded, in memory) | 12.0 | 7000 / 8000 | 60.0 | 25.0 | 5.0 | in process | in process | 91.0 | — | — |');
    // At reference speed: 94.2 ms with the probe's unit at 9.42 ms against the reference 7.0 is 70.0 ms.
    expect(lines).toContain('| Postgres, devserver in its own process | 18.9 | 4210 / 5121 | 24.5 | 22.5 | 4.7 | 17.0 | 25.2 | 94.2 | 9.42 | 70.0 |');
    expect(out).toContain('| everything | VM speed: probe unit ms | everything at reference speed (unit 7.0 ms) |');
    const verdicts = lines.filter((l) => l.startsWith('- '));
    expect(verdicts).toEqual([cheaperCaseVerdict(pglite), cheaperCaseVerdict(apart)].map((v) => `- ${v}`));
    expect(verdicts[0]).toContain('held by main JavaScript thread 60.0 ms, workflow threads 25.0 ms, SDK core 5.0 ms;');
  });
});
