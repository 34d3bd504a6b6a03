import { describe, expect, it } from 'vitest';
import { nameListEnv, pollerTuning, wholeNumberEnv } from '../../bench/env-options';

describe('wholeNumberEnv', () => {
  it('takes the fallback when the variable is unset or empty', () => {
    expect(wholeNumberEnv({}, 'CASES', 100)).toBe(100);
    expect(wholeNumberEnv({ CASES: '' }, 'CASES', 100)).toBe(100);
    expect(wholeNumberEnv({ CASES: '  ' }, 'CASES', 7)).toBe(7);
  });

  it('reads a whole number, down to its minimum', () => {
    expect(wholeNumberEnv({ CASES: '250' }, 'CASES', 100)).toBe(250);
    expect(wholeNumberEnv({ WARMUP: '0' }, 'WARMUP', 50, 0)).toBe(0);
  });

  it.each(['abc', '1.5', '-3', '1e3', '0x10', '12abc', '99999999999999999999'])('rejects "%s", naming the variable', (raw) => {
    expect(() => wholeNumberEnv({ CASES: raw }, 'CASES', 100)).toThrow(`CASES must be a whole number ≥ 1, got "${raw}"`);
  });

  it('rejects a number under the minimum', () => {
    expect(() => wholeNumberEnv({ CASES: '0' }, 'CASES', 100)).toThrow('CASES must be a whole number ≥ 1, got "0"');
  });
});

describe('nameListEnv', () => {
  const known = ['dbos', 'sdk', 'protocol'] as const;

  it('takes every known name, in their order, when the variable is unset or empty', () => {
    expect(nameListEnv({}, 'BENCH_COMPARE_TARGETS', known)).toEqual(['dbos', 'sdk', 'protocol']);
    expect(nameListEnv({ BENCH_COMPARE_TARGETS: ' ' }, 'BENCH_COMPARE_TARGETS', known)).toEqual(['dbos', 'sdk', 'protocol']);
  });

  it('reads the names given, in the order given, spaces around them ignored', () => {
    expect(nameListEnv({ BENCH_COMPARE_TARGETS: 'sdk, dbos' }, 'BENCH_COMPARE_TARGETS', known)).toEqual(['sdk', 'dbos']);
    expect(nameListEnv({ BENCH_TARGETS: 'pglite' }, 'BENCH_TARGETS', ['postgres', 'pglite'])).toEqual(['pglite']);
  });

  it('rejects an unknown name, naming the variable and what it knows', () => {
    expect(() => nameListEnv({ BENCH_COMPARE_TARGETS: 'dbos,temporal,' }, 'BENCH_COMPARE_TARGETS', known)).toThrow(
      'BENCH_COMPARE_TARGETS: unknown "temporal", "" (known: dbos, sdk, protocol)',
    );
  });

  it('rejects a name given twice', () => {
    expect(() => nameListEnv({ BENCH_RUNS: 'apart,apart' }, 'BENCH_RUNS', ['pglite', 'postgres', 'apart', 'read-model'])).toThrow('BENCH_RUNS: "apart" named more than once');
  });
});

describe('pollerTuning', () => {
  it('leaves every unset option to the SDK, and says so', () => {
    const t = pollerTuning({ BENCH_WORKFLOW_TASK_POLLERS: ' ' });
    expect(t.options).toEqual({});
    expect(t.label).toBe('workflow-task polls 10 (SDK default), activity-task polls 10 (SDK default), workflow-task slots 40 (SDK default)');
  });

  it('turns each set one into the worker option it names', () => {
    const t = pollerTuning({ BENCH_WORKFLOW_TASK_POLLERS: '40', BENCH_ACTIVITY_TASK_POLLERS: '2', BENCH_WORKFLOW_TASK_SLOTS: '100' });
    expect(t.options).toEqual({
      workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 40 },
      activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 2 },
      maxConcurrentWorkflowTaskExecutions: 100,
    });
    expect(t.label).toBe('workflow-task polls 40, activity-task polls 2, workflow-task slots 100');
    expect(pollerTuning({ BENCH_WORKFLOW_TASK_SLOTS: '100' }).options).toEqual({ maxConcurrentWorkflowTaskExecutions: 100 });
  });

  it('rejects a malformed count, naming the variable', () => {
    expect(() => pollerTuning({ BENCH_ACTIVITY_TASK_POLLERS: 'ten' })).toThrow('BENCH_ACTIVITY_TASK_POLLERS must be a whole number ≥ 1, got "ten"');
    expect(() => pollerTuning({ BENCH_WORKFLOW_TASK_SLOTS: '0' })).toThrow('BENCH_WORKFLOW_TASK_SLOTS must be a whole number ≥ 1, got "0"');
    // The sticky and the normal queue each need a poll.
    expect(() => pollerTuning({ BENCH_WORKFLOW_TASK_POLLERS: '1' })).toThrow('BENCH_WORKFLOW_TASK_POLLERS must be a whole number ≥ 2, got "1"');
  });
});
