import { describe, expect, it } from 'vitest';
import { wholeNumberEnv } from '../../bench/env-options';

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
