/**
 * next_page_token for ListWorkflowExecutions: the sort-key values (as Postgres text) and the names of the
 * keys of the last row returned, so the next page resumes strictly after it (keyset paging).
 */
import { InvalidPageTokenError } from './errors';

export interface PageToken {
  /** Names of the sort keys the token was made for (must match the query's). */
  keys: string[];
  values: (string | null)[];
}

export function encodePageToken(token: PageToken): Uint8Array {
  return Buffer.from(JSON.stringify({ v: 1, k: token.keys, x: token.values }), 'utf8');
}

export function decodePageToken(bytes: Uint8Array | null | undefined, expectedKeys: string[]): PageToken | null {
  if (!bytes || bytes.length === 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new InvalidPageTokenError('not a token issued by this server');
  }
  const p = parsed as { v?: unknown; k?: unknown; x?: unknown };
  if (
    p?.v !== 1 ||
    !Array.isArray(p.k) ||
    !Array.isArray(p.x) ||
    p.k.length !== p.x.length ||
    !p.k.every((k) => typeof k === 'string') ||
    !p.x.every((x) => x === null || typeof x === 'string')
  ) {
    throw new InvalidPageTokenError('not a token issued by this server');
  }
  const keys = p.k as string[];
  if (keys.length !== expectedKeys.length || keys.some((k, i) => k !== expectedKeys[i])) {
    throw new InvalidPageTokenError('the token was issued for a query with a different ORDER BY');
  }
  return { keys, values: p.x as (string | null)[] };
}
