import { describe, expect, it } from 'vitest';
import { parseWholeNumber } from '../../domain/whole-number';

describe('parseWholeNumber', () => {
  it('reads digits, with spaces around them', () => {
    expect(parseWholeNumber('0')).toBe(0);
    expect(parseWholeNumber('2300')).toBe(2300);
    expect(parseWholeNumber(' 12 ')).toBe(12);
  });
  it('gives NaN for anything Number() would take beyond digits', () => {
    for (const raw of ['', ' ', '-1', '+1', '1.5', '1e3', '0x10', '1_000', '12a', 'Infinity']) expect(parseWholeNumber(raw), raw).toBeNaN();
  });
});
