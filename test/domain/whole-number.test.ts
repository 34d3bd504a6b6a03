import { describe, expect, it } from 'vitest';
import { parseWholeNumber, parseWholeNumberSetting } from '../../domain/whole-number';

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

describe('parseWholeNumberSetting', () => {
  it('is undefined when the setting is unset or blank (the caller’s default), else what parseWholeNumber reads', () => {
    for (const raw of [undefined, '', '   ']) expect(parseWholeNumberSetting(raw), String(raw)).toBeUndefined();
    expect(parseWholeNumberSetting(' 64 ')).toBe(64);
    expect(parseWholeNumberSetting('0')).toBe(0);
    for (const raw of ['-1', '1e3', 'ten']) expect(parseWholeNumberSetting(raw), raw).toBeNaN();
  });
});
