import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowBundle } from '@temporalio/worker';
import { CATALOG } from '../../procedures/catalog';
import { quietTemporalRuntime } from '../../designer/engine-session';
import { bundleCurrentWorkflows, loadHistoryFixture, loadHistoryFixtures, replayHistories } from '../../designer/replay';
import { cmdReplayCheck } from '../../designer/commands';
import { defaultPayloadConverter } from '@temporalio/common';
import { lastProjection, projectionDocuments } from '../../ops/reproject';

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

  it('cases started with the local-activity projection (case-projection-v1) and with the sink (v2) replay; reproject reads a v1 history', async () => {
    const v1 = loadHistoryFixtures(`${dir}/projection-v1`);
    const v2 = loadHistoryFixtures(`${dir}/projection-v2`);
    expect([v1.length, v2.length]).toEqual([2, 2]);
    const outcomes = await replayHistories([...v1, ...v2], { workflowBundle });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'ok']);

    const projectCaseMarkers = (h: (typeof v1)[number]) => projectionDocuments(defaultPayloadConverter, h.history.events!).length;
    const completed = v1.find((h) => h.name === 'birth-group-v3-path13.json')!;
    const doc = lastProjection(defaultPayloadConverter, completed.history.events!)!;
    expect(doc.seq).toBe(projectCaseMarkers(completed));
    expect(doc.seq).toBeGreaterThanOrEqual(8);
    expect(doc.snapshot).toMatchObject({ procedureId: 'birth-group', procedureVersion: 3, status: 'closed', outcome: 'completed' });
    // A v2 history holds no projection: reproject asks the workflow (its projection query) instead.
    for (const h of v2) {
      expect(projectCaseMarkers(h)).toBe(0);
      expect(lastProjection(defaultPayloadConverter, h.history.events!)).toBeNull();
    }
  });
});
