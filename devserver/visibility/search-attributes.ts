/**
 * Search attribute definitions (system and predefined, as the Temporal server lists them), value types,
 * and conversion between SDK payloads and the normalized JSON values stored in `search_attributes`.
 * Pure: no database access.
 */
import { temporal, type TemporalTypes } from './proto';

export const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
export type IndexedValueType = TemporalTypes.api.enums.v1.IndexedValueType;
type IPayload = TemporalTypes.api.common.v1.IPayload;

export type SaType = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

const TYPE_BY_ENUM: Record<number, SaType> = {
  [IndexedValueType.INDEXED_VALUE_TYPE_TEXT]: 'Text',
  [IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]: 'Keyword',
  [IndexedValueType.INDEXED_VALUE_TYPE_INT]: 'Int',
  [IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE]: 'Double',
  [IndexedValueType.INDEXED_VALUE_TYPE_BOOL]: 'Bool',
  [IndexedValueType.INDEXED_VALUE_TYPE_DATETIME]: 'Datetime',
  [IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST]: 'KeywordList',
};
const ENUM_BY_TYPE = Object.fromEntries(Object.entries(TYPE_BY_ENUM).map(([k, v]) => [v, Number(k)])) as Record<
  SaType,
  IndexedValueType
>;

export function saTypeFromEnum(v: number): SaType | undefined {
  return TYPE_BY_ENUM[v];
}
export function saTypeToEnum(t: SaType): IndexedValueType {
  return ENUM_BY_TYPE[t];
}
/** Accepts "KeywordList" and "INDEXED_VALUE_TYPE_KEYWORD_LIST" (the SDK's metadata spellings). */
export function saTypeFromName(name: string): SaType | undefined {
  if (name in ENUM_BY_TYPE) return name as SaType;
  const e = (IndexedValueType as unknown as Record<string, number>)[name];
  return e === undefined ? undefined : TYPE_BY_ENUM[e];
}

/** System search attributes: stored as typed columns of visibility_executions. */
export const SYSTEM_SEARCH_ATTRIBUTES: Record<string, SaType> = {
  WorkflowId: 'Keyword',
  RunId: 'Keyword',
  WorkflowType: 'Keyword',
  StartTime: 'Datetime',
  ExecutionTime: 'Datetime',
  CloseTime: 'Datetime',
  ExecutionStatus: 'Keyword',
  TaskQueue: 'Keyword',
  HistoryLength: 'Int',
  ExecutionDuration: 'Int',
  StateTransitionCount: 'Int',
  HistorySizeBytes: 'Int',
  ParentWorkflowId: 'Keyword',
  ParentRunId: 'Keyword',
  RootWorkflowId: 'Keyword',
  RootRunId: 'Keyword',
};

/** Predefined search attributes: set by SDKs/server, stored with the custom ones in `search_attributes`. */
export const PREDEFINED_SEARCH_ATTRIBUTES: Record<string, SaType> = {
  TemporalChangeVersion: 'KeywordList',
  BinaryChecksums: 'KeywordList',
  BuildIds: 'KeywordList',
  BatcherNamespace: 'Keyword',
  BatcherUser: 'Keyword',
  TemporalScheduledStartTime: 'Datetime',
  TemporalScheduledById: 'Keyword',
  TemporalSchedulePaused: 'Bool',
  TemporalNamespaceDivision: 'Keyword',
  TemporalPauseInfo: 'KeywordList',
  TemporalReportedProblems: 'KeywordList',
  TemporalWorkerDeploymentVersion: 'Keyword',
  TemporalWorkflowVersioningBehavior: 'Keyword',
  TemporalWorkerDeployment: 'Keyword',
  TemporalUsedWorkerDeploymentVersions: 'KeywordList',
};

/**
 * Custom attributes the Temporal CLI dev server registers in every namespace, so code written against it runs
 * unchanged here. They are ordinary custom attributes (removable).
 */
export const DEV_SERVER_SEARCH_ATTRIBUTES: Record<string, SaType> = {
  CustomKeywordField: 'Keyword',
  CustomTextField: 'Text',
  CustomIntField: 'Int',
  CustomDoubleField: 'Double',
  CustomBoolField: 'Bool',
  CustomDatetimeField: 'Datetime',
  CustomStringField: 'Text',
};

/** Field names that can never be search attributes. */
const RESERVED_NAMES = new Set(['NamespaceId', 'MemoEncoding', 'Memo', 'VisibilityTaskKey']);

export function isReservedName(name: string): boolean {
  return (
    name in SYSTEM_SEARCH_ATTRIBUTES ||
    name in PREDEFINED_SEARCH_ATTRIBUTES ||
    RESERVED_NAMES.has(name) ||
    name.startsWith('Temporal')
  );
}

export const VALID_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Type of every attribute a query may name in a namespace: system, predefined, then the custom ones. */
export function attributeTypes(custom: Record<string, SaType>): Map<string, SaType> {
  return new Map<string, SaType>([
    ...Object.entries(custom),
    ...Object.entries(PREDEFINED_SEARCH_ATTRIBUTES),
    ...Object.entries(SYSTEM_SEARCH_ATTRIBUTES),
  ]);
}

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

function metadataString(p: IPayload, key: string): string | undefined {
  const v = p.metadata?.[key];
  return v == null ? undefined : textDecoder.decode(v);
}

/** Decodes an SDK search-attribute payload (json/plain). `undefined` for an unset (null) or non-JSON value. */
export function decodePayloadValue(p: IPayload): unknown {
  const encoding = metadataString(p, 'encoding');
  if (encoding !== undefined && encoding !== 'json/plain') return undefined;
  if (!p.data || p.data.length === 0) return undefined;
  try {
    const v = JSON.parse(textDecoder.decode(p.data));
    return v === null ? undefined : v;
  } catch {
    return undefined;
  }
}

export function payloadTypeHint(p: IPayload): SaType | undefined {
  const t = metadataString(p, 'type');
  return t === undefined ? undefined : saTypeFromName(t);
}

function inferType(v: unknown): SaType | undefined {
  if (Array.isArray(v)) {
    if (v.length === 1) return inferType(v[0]);
    return v.every((x) => typeof x === 'string') ? 'KeywordList' : undefined;
  }
  if (typeof v === 'string') return 'Keyword';
  if (typeof v === 'boolean') return 'Bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Int' : 'Double';
  return undefined;
}

/** Postgres jsonb cannot hold U+0000; drop it rather than fail the caller's transaction. */
function stripNul(s: string): string {
  return s.includes('\u0000') ? s.replace(/\u0000/g, '') : s;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/;

export function parseRfc3339(s: string): Date | undefined {
  if (!RFC3339.test(s)) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Normalizes a decoded value to the stored JSON form for `type`, or `undefined` if it does not fit.
 * Legacy (untyped) SDK encodings wrap every value in an array; a one-element array is unwrapped.
 * Datetime is stored as an ISO-8601 UTC string (millisecond precision).
 */
export function normalizeValue(type: SaType, raw: unknown): unknown {
  if (type === 'KeywordList') {
    if (typeof raw === 'string') return [stripNul(raw)];
    if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw.map(stripNul);
    return undefined;
  }
  let v = raw;
  if (Array.isArray(v)) {
    if (v.length !== 1) return undefined;
    v = v[0];
  }
  switch (type) {
    case 'Keyword':
    case 'Text':
      return typeof v === 'string' ? stripNul(v) : undefined;
    case 'Int':
      return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
    case 'Double':
      return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
    case 'Bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'Datetime': {
      if (typeof v !== 'string') return undefined;
      const d = parseRfc3339(v) ?? (Number.isNaN(Date.parse(v)) ? undefined : new Date(v));
      return d ? d.toISOString() : undefined;
    }
  }
}

export interface NormalizedSearchAttributes {
  values: Record<string, unknown>;
  types: Record<string, SaType>;
  /** Attributes that are not registered (stored anyway when their type is known) or whose value was dropped. */
  problems: { name: string; reason: string }[];
}

/**
 * Resolves each payload's type (registered/predefined type wins, then the payload's `type` metadata, then
 * inference from the JSON value) and normalizes its value. Null payloads (unset attributes) are skipped.
 */
export function normalizeSearchAttributes(
  payloads: Record<string, IPayload>,
  registered: Record<string, SaType>,
): NormalizedSearchAttributes {
  const out: NormalizedSearchAttributes = { values: {}, types: {}, problems: [] };
  for (const [name, payload] of Object.entries(payloads)) {
    if (!payload) continue;
    const raw = decodePayloadValue(payload);
    if (raw === undefined) continue;
    const known = registered[name] ?? PREDEFINED_SEARCH_ATTRIBUTES[name];
    const type = known ?? payloadTypeHint(payload) ?? inferType(raw);
    if (!type) {
      out.problems.push({ name, reason: `cannot infer a type for search attribute ${name}` });
      continue;
    }
    const value = normalizeValue(type, raw);
    if (value === undefined) {
      out.problems.push({ name, reason: `invalid value for search attribute ${name} of type ${type}: ${JSON.stringify(raw)}` });
      continue;
    }
    if (!known) out.problems.push({ name, reason: `search attribute ${name} is not defined` });
    out.values[name] = value;
    out.types[name] = type;
  }
  return out;
}

/** Encodes a stored value as the SDK expects it back: json/plain with the `type` metadata entry. */
export function encodeSearchAttributePayload(type: SaType, value: unknown): IPayload {
  return {
    metadata: { encoding: textEncoder.encode('json/plain'), type: textEncoder.encode(type) },
    data: textEncoder.encode(JSON.stringify(value)),
  };
}
