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

  it('says none when nothing was called, and gives no ratio without a commit', () => {
    const same = counts([['PollWorkflowTaskQueue', 5]], 3, 1);
    expect(devServerWork(same, same, 4)).toBe('0.0 calls (none), 0.0 run writes in 0.0 commits');
  });
});
