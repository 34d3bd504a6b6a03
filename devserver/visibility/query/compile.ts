/**
 * Compiles a list-filter AST to parameterised SQL over `visibility_executions` (drizzle `sql` fragments).
 * Pure: the caller supplies the attribute types of the namespace (system + predefined + custom).
 *
 * System attributes are typed columns. Custom/predefined attributes live in the `search_attributes` jsonb;
 * each typed read is guarded by `search_attribute_types` so a value written under another type never
 * breaks a cast. Equality and KeywordList membership use jsonb containment (GIN index).
 * NULL semantics are SQL's (as Temporal's SQL visibility): a comparison on an unset attribute is false,
 * also under `!=`, `NOT IN`, `NOT BETWEEN`, `NOT STARTS_WITH` and `NOT (...)`.
 */
import { sql, type SQL } from 'drizzle-orm';
import { QueryInvalidError } from '../errors';
import { visibilityExecutions as t } from '../schema';
import type { SaType } from '../search-attributes';
import type { AttributeRef, ComparisonOp, Expr, Literal, OrderItem, Query } from './ast';
import { durationValue, jsonValue, scalarValue, statusValue, textTokens } from './values';

/** SQL type each attribute kind is compared as. */
type SqlKind = 'text' | 'bigint' | 'float8' | 'boolean' | 'timestamptz' | 'integer' | 'tsv' | 'jsonb';

interface ResolvedAttr {
  name: string;
  type: SaType;
  /** 'status' and 'duration' are system attributes with their own value syntax. */
  special?: 'status' | 'duration';
  custom: boolean;
  expr: SQL;
  kind: SqlKind;
  nullable: boolean;
}

export interface SortKey {
  name: string;
  expr: SQL;
  kind: SqlKind;
  direction: 'asc' | 'desc';
  nullable: boolean;
}

export interface CompiledQuery {
  where: SQL | null;
  /** Explicit ORDER BY keys, else StartTime DESC; always ends with RunId ASC as tiebreaker. */
  orderBy: SortKey[];
  groupBy: string[];
}

const col = (c: unknown) => sql`${c}`;

const COMPLEMENT: Record<ComparisonOp, ComparisonOp> = { '=': '!=', '!=': '=', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };

const SYSTEM_COLUMNS: Record<string, { expr: SQL; kind: SqlKind; nullable: boolean; special?: 'status' | 'duration' }> = {
  WorkflowId: { expr: col(t.workflowId), kind: 'text', nullable: false },
  RunId: { expr: col(t.runId), kind: 'text', nullable: false },
  WorkflowType: { expr: col(t.workflowType), kind: 'text', nullable: false },
  TaskQueue: { expr: col(t.taskQueue), kind: 'text', nullable: false },
  StartTime: { expr: col(t.startTime), kind: 'timestamptz', nullable: false },
  ExecutionTime: { expr: col(t.executionTime), kind: 'timestamptz', nullable: false },
  CloseTime: { expr: col(t.closeTime), kind: 'timestamptz', nullable: true },
  ExecutionStatus: { expr: col(t.status), kind: 'integer', nullable: false, special: 'status' },
  HistoryLength: { expr: col(t.historyLength), kind: 'bigint', nullable: false },
  HistorySizeBytes: { expr: col(t.historySizeBytes), kind: 'bigint', nullable: false },
  StateTransitionCount: { expr: col(t.stateTransitionCount), kind: 'bigint', nullable: false },
  ExecutionDuration: {
    expr: sql`((extract(epoch from (${t.closeTime} - ${t.executionTime})) * 1000000000)::bigint)`,
    kind: 'bigint',
    nullable: true,
    special: 'duration',
  },
  ParentWorkflowId: { expr: col(t.parentWorkflowId), kind: 'text', nullable: true },
  ParentRunId: { expr: col(t.parentRunId), kind: 'text', nullable: true },
  RootWorkflowId: { expr: col(t.rootWorkflowId), kind: 'text', nullable: true },
  RootRunId: { expr: col(t.rootRunId), kind: 'text', nullable: true },
};

const KIND_BY_TYPE: Record<SaType, SqlKind> = {
  Keyword: 'text',
  Text: 'text',
  Int: 'bigint',
  Double: 'float8',
  Bool: 'boolean',
  Datetime: 'timestamptz',
  KeywordList: 'jsonb',
};

function castParam(value: string, kind: SqlKind): SQL {
  switch (kind) {
    case 'text':
    case 'tsv':
    case 'jsonb':
      return sql`${value}::text`;
    case 'bigint':
      return sql`${value}::bigint`;
    case 'float8':
      return sql`${value}::float8`;
    case 'boolean':
      // A JS boolean: postgres.js serializes a boolean parameter as `x === true ? 't' : 'f'`.
      return sql`${value === 'true'}::boolean`;
    case 'timestamptz':
      return sql`${value}::timestamptz`;
    case 'integer':
      return sql`${value}::integer`;
  }
}

/** Typed read of a custom attribute, NULL when unset or stored under another type. */
function customExpr(name: string, type: SaType): SQL {
  const guard = sql`${t.searchAttributeTypes} ->> ${name}::text = ${type}::text`;
  const raw = sql`${t.searchAttributes} ->> ${name}::text`;
  switch (type) {
    case 'Keyword':
    case 'Text':
      return sql`(case when ${guard} then ${raw} end)`;
    case 'Int':
      return sql`(case when ${guard} then (${raw})::bigint end)`;
    case 'Double':
      return sql`(case when ${guard} then (${raw})::float8 end)`;
    case 'Bool':
      return sql`(case when ${guard} then (${raw})::boolean end)`;
    case 'Datetime':
      return sql`(case when ${guard} then (${raw})::timestamptz end)`;
    case 'KeywordList':
      return sql`(case when ${guard} then ${t.searchAttributes} -> ${name}::text end)`;
  }
}

export function compileQuery(q: Query, types: ReadonlyMap<string, SaType>, purpose: 'list' | 'count'): CompiledQuery {
  const resolve = (ref: AttributeRef): ResolvedAttr => {
    const type = types.get(ref.name);
    if (!type) throw new QueryInvalidError(ref.pos, `column name '${ref.name}' is not a valid search attribute`);
    const sys = SYSTEM_COLUMNS[ref.name];
    if (sys) return { name: ref.name, type, custom: false, ...sys };
    return { name: ref.name, type, custom: true, expr: customExpr(ref.name, type), kind: KIND_BY_TYPE[type], nullable: true };
  };

  const param = (a: ResolvedAttr, lit: Literal): SQL => {
    if (a.special === 'status') return castParam(String(statusValue(a.name, lit)), 'integer');
    if (a.special === 'duration') return castParam(durationValue(a.name, lit), 'bigint');
    return castParam(scalarValue(a.name, a.type, lit), a.kind);
  };

  const unsupported = (a: ResolvedAttr, op: string, pos: number): never => {
    const typeName = a.special === 'status' ? 'ExecutionStatus' : a.type;
    throw new QueryInvalidError(pos, `operator '${op}' is not supported for search attribute ${a.name} of type ${typeName}`);
  };

  /** jsonb containment on the GIN index: search_attributes @> {"name": value}. */
  const contains = (a: ResolvedAttr, lit: Literal): SQL => {
    const v = scalarValue(a.name, a.type, lit);
    const json = a.type === 'KeywordList' ? { [a.name]: [v] } : { [a.name]: jsonValue(a.type, v) };
    return sql`${t.searchAttributes} @> ${JSON.stringify(json)}::jsonb`;
  };
  const typeGuard = (a: ResolvedAttr): SQL => sql`${t.searchAttributeTypes} ->> ${a.name}::text = ${a.type}::text`;

  const textMatch = (a: ResolvedAttr, lit: Literal): SQL => {
    if (lit.kind !== 'string') scalarValue(a.name, a.type, lit);
    const tokens = textTokens((lit as { value: string }).value);
    if (tokens.length === 0)
      throw new QueryInvalidError(lit.pos, `no words to match in '${(lit as { value: string }).value}' for Text search attribute ${a.name}`);
    const tsquery = tokens.map((w) => `'${w}'`).join(' | ');
    // Cheap substring pre-filter (a matching word is a substring of the lower-cased text) before the
    // tsvector, which Postgres evaluates last as the costlier qual. Tokens are letters/digits only.
    const prefilter = sql.join(tokens.map((w) => sql`lower(${a.expr}) like ${`%${w}%`}::text`), sql` or `);
    return sql`((${prefilter}) and to_tsvector('simple', ${a.expr}) @@ to_tsquery('simple', ${tsquery}::text))`;
  };

  const compare = (a: ResolvedAttr, shownOp: ComparisonOp, lit: Literal, pos: number, negate: boolean): SQL => {
    if ((a.type === 'Text' || a.type === 'KeywordList' || a.type === 'Bool') && shownOp !== '=' && shownOp !== '!=')
      unsupported(a, shownOp, pos);
    const op = negate ? COMPLEMENT[shownOp] : shownOp;
    if (a.type === 'Text') {
      if (op === '=') return textMatch(a, lit);
      if (op === '!=') return sql`not ${textMatch(a, lit)}`;
      unsupported(a, op, pos);
    }
    if (a.type === 'KeywordList') {
      if (op === '=') return contains(a, lit);
      if (op === '!=') return sql`(${typeGuard(a)} and not (${contains(a, lit)}))`;
      unsupported(a, op, pos);
    }
    if (op === '=' && a.custom && a.type !== 'Datetime') return sql`(${contains(a, lit)} and ${typeGuard(a)})`;
    return sql`${a.expr} ${sql.raw(op === '!=' ? '<>' : op)} ${param(a, lit)}`;
  };

  const inList = (a: ResolvedAttr, values: Literal[], negated: boolean, pos: number, shownNegated: boolean): SQL => {
    if (a.type === 'Text') unsupported(a, shownNegated ? 'NOT IN' : 'IN', pos);
    const op = negated ? 'NOT IN' : 'IN';
    if (a.type === 'KeywordList' || (a.custom && a.type !== 'Datetime')) {
      const any = sql.join(values.map((v) => contains(a, v)), sql` or `);
      return negated ? sql`(${typeGuard(a)} and not (${any}))` : sql`((${any}) and ${typeGuard(a)})`;
    }
    const list = sql.join(values.map((v) => param(a, v)), sql`, `);
    return sql`${a.expr} ${sql.raw(op.toLowerCase())} (${list})`;
  };

  /**
   * `negate` pushes NOT down to the predicates (De Morgan), each predicate compiling to "is false" under
   * negation. The SQL never negates a predicate that could be NULL, so NOT keeps SQL's three-valued meaning
   * (an unset attribute satisfies neither `X = v` nor `NOT X = v`) and containment stays indexable.
   */
  const compileExpr = (e: Expr, negate: boolean): SQL => {
    switch (e.kind) {
      case 'and':
      case 'or': {
        const conj = (e.kind === 'and') !== negate ? 'and' : 'or';
        return sql`(${compileExpr(e.left, negate)} ${sql.raw(conj)} ${compileExpr(e.right, negate)})`;
      }
      case 'not':
        return compileExpr(e.expr, !negate);
      case 'compare':
        return compare(resolve(e.attr), e.op, e.value, e.pos, negate);
      case 'in':
        return inList(resolve(e.attr), e.values, e.negated !== negate, e.pos, e.negated);
      case 'between': {
        const a = resolve(e.attr);
        if (a.type === 'Text' || a.type === 'KeywordList' || a.type === 'Bool')
          unsupported(a, e.negated ? 'NOT BETWEEN' : 'BETWEEN', e.pos);
        const not = e.negated !== negate;
        const range = sql`${a.expr} ${sql.raw(not ? 'not between' : 'between')} ${param(a, e.from)} and ${param(a, e.to)}`;
        return sql`(${range})`;
      }
      case 'startsWith': {
        const a = resolve(e.attr);
        if (a.type !== 'Keyword' || a.special) unsupported(a, e.negated ? 'NOT STARTS_WITH' : 'STARTS_WITH', e.pos);
        const prefix = scalarValue(a.name, a.type, e.value).replace(/[!%_]/g, (c) => `!${c}`);
        const not = e.negated !== negate;
        return sql`${a.expr} ${sql.raw(not ? 'not like' : 'like')} ${`${prefix}%`}::text escape '!'`;
      }
      case 'isNull': {
        const a = resolve(e.attr);
        return sql`${a.expr} ${sql.raw(e.negated !== negate ? 'is not null' : 'is null')}`;
      }
    }
  };

  if (purpose === 'list' && q.groupBy.length > 0)
    throw new QueryInvalidError(q.groupBy[0].pos, "'GROUP BY' is only supported by CountWorkflowExecutions");
  if (q.groupBy.length > 1) throw new QueryInvalidError(q.groupBy[1].pos, "'GROUP BY' supports a single field");
  for (const g of q.groupBy) {
    resolve(g);
    if (g.name !== 'ExecutionStatus')
      throw new QueryInvalidError(g.pos, `'GROUP BY' is only supported for ExecutionStatus, not ${g.name}`);
  }

  return {
    where: q.where ? compileExpr(q.where, false) : null,
    orderBy: purpose === 'list' ? compileOrder(q.orderBy, resolve) : [],
    groupBy: q.groupBy.map((g) => g.name),
  };
}

function compileOrder(items: OrderItem[], resolve: (ref: AttributeRef) => ResolvedAttr): SortKey[] {
  const keys: SortKey[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const a = resolve(item.attr);
    if (a.type === 'Text' || a.type === 'KeywordList')
      throw new QueryInvalidError(item.attr.pos, `cannot sort by search attribute ${a.name} of type ${a.type}`);
    if (seen.has(a.name)) continue;
    seen.add(a.name);
    keys.push({ name: a.name, expr: a.expr, kind: a.kind, direction: item.direction, nullable: a.nullable });
  }
  if (keys.length === 0) keys.push({ name: 'StartTime', ...SYSTEM_COLUMNS.StartTime, direction: 'desc' });
  if (!seen.has('RunId')) keys.push({ name: 'RunId', ...SYSTEM_COLUMNS.RunId, direction: 'asc' });
  return keys;
}

/** ORDER BY clause for the sort keys (NULLs last in both directions). */
export function orderByClause(keys: SortKey[]): SQL {
  return sql.join(
    keys.map((k) => sql`${k.expr} ${sql.raw(k.direction)}${sql.raw(k.nullable ? ' nulls last' : '')}`),
    sql`, `,
  );
}

/**
 * Keyset condition "row comes after the row whose sort-key values (as text) are `values`" for `keys`
 * ordered as by orderByClause.
 */
export function afterClause(keys: SortKey[], values: (string | null)[]): SQL {
  const disjuncts: SQL[] = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = values[i];
    const prefix: SQL[] = [];
    for (let j = 0; j < i; j++) {
      const kj = keys[j];
      const vj = values[j];
      prefix.push(vj === null ? sql`${kj.expr} is null` : sql`${kj.expr} = ${castParam(vj, kj.kind)}`);
    }
    if (v === null) continue; // NULLs sort last: nothing comes after a NULL within this key
    const strictly = sql`${k.expr} ${sql.raw(k.direction === 'desc' ? '<' : '>')} ${castParam(v, k.kind)}`;
    const after = k.nullable ? sql`(${strictly} or ${k.expr} is null)` : strictly;
    disjuncts.push(sql.join([...prefix, after], sql` and `));
  }
  if (disjuncts.length === 0) return sql`false`;
  return sql`(${sql.join(disjuncts.map((d) => sql`(${d})`), sql` or `)})`;
}
