import { describe, expect, it } from 'vitest';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  decodeTypedSearchAttributes,
  encodeUnifiedSearchAttributes,
} from '@temporalio/common/lib/converter/payload-search-attributes';
import {
  encodeSearchAttributePayload,
  isReservedName,
  normalizeSearchAttributes,
  normalizeValue,
  saTypeFromName,
} from '../../devserver/visibility/search-attributes';
import { decodePageToken, encodePageToken } from '../../devserver/visibility/page-token';
import { InvalidPageTokenError } from '../../devserver/visibility/errors';

describe('search attribute values', () => {
  it('normalizes typed SDK payloads by the registered type', () => {
    const payloads = encodeUnifiedSearchAttributes(undefined, [
      { key: defineSearchAttributeKey('K', SearchAttributeType.KEYWORD), value: 'k' },
      { key: defineSearchAttributeKey('D', SearchAttributeType.DATETIME), value: new Date('2024-05-06T07:08:09.123Z') },
      { key: defineSearchAttributeKey('L', SearchAttributeType.KEYWORD_LIST), value: ['a', 'b'] },
      { key: defineSearchAttributeKey('B', SearchAttributeType.BOOL), value: false },
    ]);
    const out = normalizeSearchAttributes(payloads, { K: 'Keyword', D: 'Datetime', L: 'KeywordList', B: 'Bool' });
    expect(out).toEqual({
      values: { K: 'k', D: '2024-05-06T07:08:09.123Z', L: ['a', 'b'], B: false },
      types: { K: 'Keyword', D: 'Datetime', L: 'KeywordList', B: 'Bool' },
      problems: [],
    });
  });

  it('unwraps legacy single-value arrays, keeps unregistered attributes by their type hint, and reports problems', () => {
    const legacy = encodeUnifiedSearchAttributes({ I: [5], X: ['free'], BadInt: ['abc'], Multi: [1, 2] }, undefined);
    const out = normalizeSearchAttributes(legacy, { I: 'Int', BadInt: 'Int' });
    expect(out.values).toEqual({ I: 5, X: 'free' });
    expect(out.types).toEqual({ I: 'Int', X: 'Keyword' });
    expect(out.problems.map((p) => p.reason)).toEqual([
      'search attribute X is not defined',
      'invalid value for search attribute BadInt of type Int: ["abc"]',
      'cannot infer a type for search attribute Multi',
    ]);
  });

  it('skips unset (null) payloads and treats predefined Temporal attributes by their fixed type', () => {
    const payloads = {
      ...encodeUnifiedSearchAttributes({ TemporalChangeVersion: ['patch-1'] }, undefined),
      ...encodeUnifiedSearchAttributes(undefined, [{ key: defineSearchAttributeKey('Gone', SearchAttributeType.TEXT), value: null as unknown as string }]),
    };
    const out = normalizeSearchAttributes(payloads, {});
    expect(out).toEqual({ values: { TemporalChangeVersion: ['patch-1'] }, types: { TemporalChangeVersion: 'KeywordList' }, problems: [] });
  });

  it('rejects values that do not fit the type', () => {
    expect(normalizeValue('Int', 1.5)).toBeUndefined();
    expect(normalizeValue('Double', 'x')).toBeUndefined();
    expect(normalizeValue('Datetime', 'not a date')).toBeUndefined();
    expect(normalizeValue('KeywordList', [1])).toBeUndefined();
    expect(normalizeValue('KeywordList', 'solo')).toEqual(['solo']);
    expect(normalizeValue('Datetime', '2024-01-01T01:00:00+01:00')).toBe('2024-01-01T00:00:00.000Z');
    expect(normalizeValue('Keyword', 'a\u0000b')).toBe('ab');
    expect(normalizeValue('KeywordList', ['x\u0000'])).toEqual(['x']);
  });

  it('encodes stored values back into payloads the SDK decodes as typed attributes', () => {
    const decoded = decodeTypedSearchAttributes({
      D: encodeSearchAttributePayload('Datetime', '2024-01-01T00:00:00.000Z'),
      L: encodeSearchAttributePayload('KeywordList', ['x']),
      N: encodeSearchAttributePayload('Double', 2.5),
    });
    expect(decoded.get(defineSearchAttributeKey('D', SearchAttributeType.DATETIME))).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(decoded.get(defineSearchAttributeKey('L', SearchAttributeType.KEYWORD_LIST))).toEqual(['x']);
    expect(decoded.get(defineSearchAttributeKey('N', SearchAttributeType.DOUBLE))).toBe(2.5);
  });

  it('knows reserved names and type spellings', () => {
    expect(['WorkflowId', 'TemporalChangeVersion', 'TemporalAnything', 'Memo', 'NamespaceId'].map(isReservedName)).toEqual([true, true, true, true, true]);
    expect(isReservedName('CustomerId')).toBe(false);
    expect(saTypeFromName('KeywordList')).toBe('KeywordList');
    expect(saTypeFromName('INDEXED_VALUE_TYPE_DATETIME')).toBe('Datetime');
    expect(saTypeFromName('Nope')).toBeUndefined();
  });
});

describe('page tokens', () => {
  it('round-trips and checks the sort keys', () => {
    const bytes = encodePageToken({ keys: ['StartTime desc', 'RunId asc'], values: ['2024-01-01T00:00:00.000000Z', 'r1'] });
    expect(decodePageToken(bytes, ['StartTime desc', 'RunId asc'])).toEqual({
      keys: ['StartTime desc', 'RunId asc'],
      values: ['2024-01-01T00:00:00.000000Z', 'r1'],
    });
    expect(decodePageToken(new Uint8Array(0), ['x'])).toBeNull();
    expect(() => decodePageToken(bytes, ['WorkflowId asc', 'RunId asc'])).toThrow(InvalidPageTokenError);
    expect(() => decodePageToken(Buffer.from('{"v":2}'), ['x'])).toThrow('Invalid next_page_token: not a token issued by this server.');
  });
});
