import { describe, expect, it } from 'vitest';
import { PgDialect } from 'drizzle-orm/pg-core';
import { parseQuery } from '../../devserver/visibility/query/parser';
import { tokenize } from '../../devserver/visibility/query/tokenizer';
import { compileQuery, afterClause } from '../../devserver/visibility/query/compile';
import { parseDurationNanos, statusName, textTokens } from '../../devserver/visibility/query/values';
import { QueryInvalidError, QuerySyntaxError } from '../../devserver/visibility/errors';
import { attributeTypes } from '../../devserver/visibility/search-attributes';
import { InvalidArgumentError } from '../../devserver/errors';

const dialect = new PgDialect();
const types = attributeTypes({
  CustomKeyword: 'Keyword',
  CustomText: 'Text',
  CustomInt: 'Int',
  CustomDouble: 'Double',
  CustomBool: 'Bool',
  CustomDatetime: 'Datetime',
  CustomList: 'KeywordList',
});

function syntaxError(q: string): QuerySyntaxError {
  try {
    parseQuery(q);
  } catch (e) {
    if (e instanceof QuerySyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a syntax error for ${q}`);
}

function compileError(q: string, purpose: 'list' | 'count' = 'list'): QueryInvalidError {
  try {
    compileQuery(parseQuery(q), types, purpose);
  } catch (e) {
    if (e instanceof QueryInvalidError) return e;
    throw e;
  }
  throw new Error(`expected a compile error for ${q}`);
}

function where(q: string) {
  const c = compileQuery(parseQuery(q), types, 'list');
  return dialect.sqlToQuery(c.where!);
}

describe('tokenizer', () => {
  it('tokenizes names, operators, strings with escapes, numbers and keywords with positions', () => {
    const toks = tokenize(`WorkflowId != 'a''b\\'c' and X<=-1.5e2 OR \`My Attr\` <> "q"`);
    expect(toks.map((t) => t.type)).toEqual([
      'ident', 'op', 'string', 'keyword', 'ident', 'op', 'number', 'keyword', 'ident', 'op', 'string', 'eof',
    ]);
    expect(toks[2]).toMatchObject({ type: 'string', value: "a'b'c", pos: 14 });
    expect(toks[3]).toMatchObject({ type: 'keyword', value: 'AND' });
    expect(toks[6]).toMatchObject({ type: 'number', value: '-1.5e2' });
    expect(toks[8]).toMatchObject({ type: 'ident', value: 'My Attr', quoted: true });
    expect(toks[9]).toMatchObject({ type: 'op', value: '!=' });
  });

  it('reports an unterminated string at its opening quote', () => {
    expect(() => tokenize("WorkflowId = 'abc")).toThrow('invalid query at position 13: unterminated string literal');
  });

  it('reports unexpected characters', () => {
    expect(() => tokenize('WorkflowId = ?')).toThrow("invalid query at position 13: unexpected character '?'");
  });
});

describe('parser', () => {
  it('parses precedence: AND binds tighter than OR, parentheses override', () => {
    const q = parseQuery("A = 'x' OR B = 'y' AND C = 'z'");
    expect(q.where).toMatchObject({ kind: 'or', right: { kind: 'and' } });
    const p = parseQuery("(A = 'x' OR B = 'y') AND C = 'z'");
    expect(p.where).toMatchObject({ kind: 'and', left: { kind: 'or' } });
  });

  it('parses every predicate form', () => {
    const q = parseQuery(
      "a IN ('x', 'y') AND b NOT IN (1) AND c BETWEEN 1 AND 2 AND d NOT BETWEEN '1' AND '2' " +
        "AND e STARTS_WITH 'p' AND f NOT STARTS_WITH 'q' AND g IS NULL AND h IS NOT NULL AND NOT i = TRUE AND j >= 3",
    );
    const kinds: string[] = [];
    const walk = (e: unknown): void => {
      const x = e as { kind: string; left?: unknown; right?: unknown; expr?: unknown };
      if (x.kind === 'and') {
        walk(x.left);
        walk(x.right);
      } else kinds.push(x.kind === 'not' ? `not:${(x.expr as { kind: string }).kind}` : x.kind);
    };
    walk(q.where);
    expect(kinds).toEqual([
      'in', 'in', 'between', 'between', 'startsWith', 'startsWith', 'isNull', 'isNull', 'not:compare', 'compare',
    ]);
  });

  it('parses ORDER BY and GROUP BY with or without a filter', () => {
    expect(parseQuery('ORDER BY StartTime ASC, WorkflowId DESC')).toEqual({
      where: null,
      groupBy: [],
      orderBy: [
        { attr: { name: 'StartTime', pos: 9 }, direction: 'asc' },
        { attr: { name: 'WorkflowId', pos: 24 }, direction: 'desc' },
      ],
    });
    const g = parseQuery("WorkflowType = 'w' GROUP BY ExecutionStatus");
    expect(g.groupBy).toEqual([{ name: 'ExecutionStatus', pos: 28 }]);
    expect(parseQuery('   ')).toEqual({ where: null, groupBy: [], orderBy: [] });
  });

  it.each([
    ['ExecutionStatus =', 17, "expected a value after '='"],
    ["WorkflowType = 'x' AND", 22, 'expected a condition'],
    ["WorkflowType = 'x' AND ExecutionStatus = ", 41, "expected a value after '='"],
    ["(WorkflowType = 'x'", 19, "expected ')' to close '(' at position 0, found end of query"],
    ["WorkflowType = 'x')", 18, "unbalanced ')'"],
    ["WorkflowType 'x'", 13, "expected an operator after 'WorkflowType', found string 'x'"],
    ['WorkflowType = abc', 15, "expected a value after '=', found name 'abc' (did you forget to quote it?)"],
    ["WorkflowId IN 'a'", 14, "expected '(' after 'IN', found string 'a'"],
    ["WorkflowId IN ('a' 'b')", 19, "expected ',' or ')' in the IN list, found string 'b'"],
    ['StartTime BETWEEN 1 OR 2', 20, 'expected AND after the lower bound of BETWEEN, found \'OR\''],
    ["WorkflowId LIKE 'a%'", 11, "'LIKE' is not supported; use STARTS_WITH"],
    ['CloseTime IS 5', 13, "expected NULL after 'IS', found number 5"],
    ["WorkflowId NOT = 'a'", 15, "expected IN, BETWEEN or STARTS_WITH after 'NOT', found '='"],
    ["WorkflowId = 'a' WorkflowType = 'b'", 17, "expected AND, OR, ORDER BY or end of query, found 'WorkflowType'"],
    ['ORDER WorkflowId', 6, "expected BY after 'ORDER', found 'WorkflowId'"],
    ['ORDER BY', 8, "expected a search attribute name after 'ORDER BY'"],
    ["WorkflowId = 'a' LIMIT 5", 17, "'LIMIT' is not supported; use the page size"],
    ['() ', 1, "expected an expression after '('"],
    ['= 5', 0, "expected a search attribute name, found '='"],
  ])('rejects %j at position %i', (query, position, detail) => {
    const err = syntaxError(query);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.code).toBe('VISIBILITY_QUERY_SYNTAX');
    expect(err.position).toBe(position);
    expect(err.detail).toBe(detail);
    expect(err.message).toBe(`invalid query at position ${position}: ${detail}`);
  });
});

describe('compiler', () => {
  it('compiles system attributes to typed columns with parameters', () => {
    const q = where("WorkflowId = 'wf-1' AND ExecutionStatus = 'Running' AND StartTime > '2024-01-01T00:00:00Z'");
    expect(q.sql).toContain('"visibility_executions"."workflow_id" = $1::text');
    expect(q.sql).toContain('"visibility_executions"."status" = $2::integer');
    expect(q.sql).toContain('"visibility_executions"."start_time" > $3::timestamptz');
    expect(q.params).toEqual(['wf-1', '1', '2024-01-01T00:00:00Z']);
  });

  it('uses jsonb containment for custom equality and KeywordList membership', () => {
    const q = where("CustomKeyword = 'k' AND CustomList = 'a' AND CustomList IN ('b', 'c')");
    expect(q.sql).toContain('"visibility_executions"."search_attributes" @> $1::jsonb');
    expect(q.params).toContain('{"CustomKeyword":"k"}');
    expect(q.params).toContain('{"CustomList":["a"]}');
    expect(q.params).toContain('{"CustomList":["b"]}');
    expect(q.params).toContain('{"CustomList":["c"]}');
  });

  it('casts custom range comparisons by the registered type behind a type guard', () => {
    const q = where('CustomInt >= 5 AND CustomDouble < 1.5');
    expect(q.sql).toMatch(/search_attribute_types" ->> \$1::text = \$2::text then \("visibility_executions"."search_attributes" ->> \$3::text\)::bigint end\) >= \$4::bigint/);
    expect(q.params).toEqual(['CustomInt', 'Int', 'CustomInt', '5', 'CustomDouble', 'Double', 'CustomDouble', '1.5']);
  });

  it('matches Text by any token through a tsquery', () => {
    const q = where("CustomText = 'Hello, World'");
    expect(q.sql).toContain("to_tsvector('simple',");
    expect(q.params).toContain("'hello' | 'world'");
  });

  it('escapes STARTS_WITH prefixes', () => {
    const q = where("WorkflowId STARTS_WITH 'a_b%c!'");
    expect(q.sql).toContain("like $1::text escape '!'");
    expect(q.params).toEqual(['a!_b!%c!!%']);
  });

  it('converts ExecutionStatus names and codes, ExecutionDuration strings and datetime nanos', () => {
    expect(where("ExecutionStatus IN ('Completed', 'continuedasnew', 'TIMED_OUT', 5)").params).toEqual(['2', '6', '7', '5']);
    expect(where("ExecutionDuration > '1h30m'").params).toEqual([String(5400e9)]);
    expect(where("ExecutionDuration < '00:01:00'").params).toEqual([String(60e9)]);
    expect(where('StartTime < 1700000000123456789').params).toEqual(['2023-11-14T22:13:20.123456Z']);
  });

  it('defaults to StartTime DESC then RunId, and appends RunId to explicit orders', () => {
    const d = compileQuery(parseQuery(''), types, 'list');
    expect(d.orderBy.map((k) => `${k.name} ${k.direction}`)).toEqual(['StartTime desc', 'RunId asc']);
    const e = compileQuery(parseQuery('ORDER BY CustomInt DESC, WorkflowId'), types, 'list');
    expect(e.orderBy.map((k) => `${k.name} ${k.direction} ${k.nullable}`)).toEqual([
      'CustomInt desc true',
      'WorkflowId asc false',
      'RunId asc false',
    ]);
  });

  it('builds keyset conditions that handle NULL sort values', () => {
    const keys = compileQuery(parseQuery('ORDER BY CloseTime DESC'), types, 'list').orderBy;
    const withValue = dialect.sqlToQuery(afterClause(keys, ['2024-01-01 00:00:00+00', 'run-1']));
    expect(withValue.sql).toContain('"visibility_executions"."close_time" < $1::timestamptz or "visibility_executions"."close_time" is null');
    const withNull = dialect.sqlToQuery(afterClause(keys, [null, 'run-1']));
    expect(withNull.sql).toContain('"visibility_executions"."close_time" is null and "visibility_executions"."run_id" > $1::text');
  });

  it('accepts GROUP BY ExecutionStatus for count only', () => {
    expect(compileQuery(parseQuery('GROUP BY ExecutionStatus'), types, 'count').groupBy).toEqual(['ExecutionStatus']);
    expect(compileError('GROUP BY ExecutionStatus', 'list').detail).toBe("'GROUP BY' is only supported by CountWorkflowExecutions");
    expect(compileError('GROUP BY WorkflowType', 'count').detail).toBe("'GROUP BY' is only supported for ExecutionStatus, not WorkflowType");
  });

  it.each([
    ["Unknown = 'x'", 0, "column name 'Unknown' is not a valid search attribute"],
    ["WorkflowId = 'a' AND Nope > 1", 21, "column name 'Nope' is not a valid search attribute"],
    ['CustomInt = 1.5', 12, 'invalid value 1.5 for search attribute CustomInt of type Int: expected an integer'],
    ["CustomInt = '5'", 12, "invalid value '5' for search attribute CustomInt of type Int: expected an integer"],
    ['WorkflowId = 5', 13, 'invalid value 5 for search attribute WorkflowId of type Keyword: expected a quoted string'],
    ["StartTime > 'yesterday'", 12, "invalid value 'yesterday' for search attribute StartTime of type Datetime: expected an RFC3339 timestamp such as '2024-01-31T12:00:00Z'"],
    ["ExecutionStatus = 'Sleeping'", 18, "invalid ExecutionStatus value 'Sleeping'"],
    ["CustomText > 'a'", 11, "operator '>' is not supported for search attribute CustomText of type Text"],
    ["CustomList < 'a'", 11, "operator '<' is not supported for search attribute CustomList of type KeywordList"],
    ["CustomText IN ('a')", 11, "operator 'IN' is not supported for search attribute CustomText of type Text"],
    ['CustomBool > TRUE', 11, "operator '>' is not supported for search attribute CustomBool of type Bool"],
    ["CustomInt STARTS_WITH '1'", 10, "operator 'STARTS_WITH' is not supported for search attribute CustomInt of type Int"],
    ["ExecutionStatus STARTS_WITH 'R'", 16, "operator 'STARTS_WITH' is not supported for search attribute ExecutionStatus of type ExecutionStatus"],
    ["CustomList BETWEEN 'a' AND 'b'", 11, "operator 'BETWEEN' is not supported for search attribute CustomList of type KeywordList"],
    ["CustomText = '...'", 13, "no words to match in '...' for Text search attribute CustomText"],
    ['ORDER BY CustomText', 9, 'cannot sort by search attribute CustomText of type Text'],
    ["ExecutionDuration > 'soon'", 20, "invalid value for search attribute ExecutionDuration: 'soon' is not a duration"],
  ])('rejects %j at position %i', (query, position, detail) => {
    const err = compileError(query);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.code).toBe('VISIBILITY_QUERY_INVALID');
    expect(err.position).toBe(position);
    expect(err.message).toBe(`invalid query at position ${position}: ${detail}`);
  });
});

describe('value helpers', () => {
  it('parses durations, names statuses and tokenizes text', () => {
    expect(parseDurationNanos('1h2m3.5s')).toBe(3723.5e9);
    expect(parseDurationNanos('250ms')).toBe(250e6);
    expect(parseDurationNanos('abc')).toBeUndefined();
    expect(statusName(1)).toBe('Running');
    expect(statusName(6)).toBe('ContinuedAsNew');
    expect(statusName(7)).toBe('TimedOut');
    expect(textTokens('Straße-42, ÉTÉ')).toEqual(['straße', '42', 'été']);
  });
});
