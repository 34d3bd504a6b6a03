import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundle } from '@temporalio/worker';
import { CATALOG } from '../../procedures/catalog';
import { quietTemporalRuntime } from '../../designer/engine-session';
import { bundleCurrentWorkflows, loadHistoryFixture, loadHistoryFixtures, replayHistories } from '../../designer/replay';
import { cmdReplayCheck } from '../../designer/commands';

const dir = new URL('../fixtures/histories', import.meta.url).pathname;
let workflowBundle: WorkflowBundle;

beforeAll(async () => {
  quietTemporalRuntime();
  workflowBundle = await bundleCurrentWorkflows();
});

describe('replay check', () => {
  it('the committed histories (recorded from real runs) replay on the current workflow code', async () => {
    const histories = loadHistoryFixtures(dir);
    expect(histories.length).toBeGreaterThanOrEqual(15);
    // Every recorded procedure still exists at the recorded version.
    for (const h of histories) {
      const [, id, version] = h.name.match(/^(.+)-v(\d+)-path\d+\.json$/)!;
      expect(CATALOG.get(id)?.has(Number(version))).toBe(true);
      expect(h.history.events!.length).toBeGreaterThan(5);
    }
    const outcomes = await replayHistories(histories, { workflowBundle });
    expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
    expect(outcomes).toHaveLength(histories.length);
  });

  it('reports a deliberately incompatible history as nondeterministic, and the command exits non-zero', async () => {
    const bad = loadHistoryFixture(`${dir}/incompatible/renamed-activity.json`);
    const good = loadHistoryFixtures(dir).find((h) => h.name === 'birth-registration-v1-path3.json')!;
    const outcomes = await replayHistories([good, bad], { workflowBundle });
    expect(outcomes.find((o) => o.workflowId === good.workflowId)).toMatchObject({ status: 'ok' });
    const verdict = outcomes.find((o) => o.workflowId === bad.workflowId)!;
    expect(verdict.status).toBe('nondeterministic');
    expect(verdict.message).toMatch(/nondetermin|allocatePersonalNumber|issuePersonalId/i);

    const lines: string[] = [];
    const code = await cmdReplayCheck({ out: (l) => lines.push(l), err: () => {} }, { lockFile: '', historiesDir: `${dir}/incompatible` });
    expect(code).toBe(1);
    expect(lines.at(-1)).toBe('1 histories replayed: 1 incompatible');
    expect(lines[0]).toMatch(/^FAIL renamed-activity\.json \(nondeterministic\): /);
  });
});
