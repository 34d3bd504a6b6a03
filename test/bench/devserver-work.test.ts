import { describe, expect, it } from 'vitest';
import { devServerWork, type DevServerCounts } from '../../bench/devserver-process';

const counts = (calls: [string, number][], writes: number, commits: number): DevServerCounts => ({ calls: new Map(calls), writes, commits });

describe('devServerWork', () => {
  it('gives the calls by kind, most first, and the writes with their commits, per operation', () => {
    const before = counts([['PollWorkflowTaskQueue', 10], ['RespondWorkflowTaskCompleted', 4]], 100, 40);
    const after = counts([['PollWorkflowTaskQueue', 40], ['RespondWorkflowTaskCompleted', 24], ['StartWorkflowExecution', 10]], 170, 60);
    expect(devServerWork(before, after, 10)).toBe(
      '6.0 calls (PollWorkflowTaskQueue 3.0, RespondWorkflowTaskCompleted 2.0, StartWorkflowExecution 1.0), 7.0 run writes in 2.0 commits (group commit: 3.5 writes per commit)',
    );
  });

  it("adds the run cache's misses of its reads when the devserver counted them", () => {
    const before = { ...counts([['PollWorkflowTaskQueue', 10]], 10, 10), cacheReads: new Map([['RunState', 50], ['HistoryEvents', 5]]), cacheMisses: new Map([['RunState', 5]]) };
    const after = { ...counts([['PollWorkflowTaskQueue', 20]], 20, 20), cacheReads: new Map([['RunState', 110], ['HistoryEvents', 25]]), cacheMisses: new Map([['RunState', 15], ['HistoryEvents', 16]]) };
    expect(devServerWork(before, after, 10)).toBe(
      '1.0 calls (PollWorkflowTaskQueue 1.0), 1.0 run writes in 1.0 commits (group commit: 1.0 writes per commit); run cache misses: states 1.0 of 6.0 reads, history 1.6 of 2.0 reads',
    );
  });

  it('says none when nothing was called, and gives no ratio without a commit', () => {
    const same = counts([['PollWorkflowTaskQueue', 5]], 3, 1);
    expect(devServerWork(same, same, 4)).toBe('0.0 calls (none), 0.0 run writes in 0.0 commits');
  });
});
