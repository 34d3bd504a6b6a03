/**
 * Random HTTP requests for the API fuzz suite: a registered route (or a random path), its path parameters from
 * realistic values, random strings and broken percent-encodings, a random query string over the OpenAPI
 * document's parameters and random names, random headers, and bodies that are random JSON, random text or a valid
 * request with one field replaced, removed or added.
 */
import fc from 'fast-check';

export interface RouteSpec {
  method: string;
  /** Hono path, e.g. `/cases/:caseId`. */
  path: string;
}

export interface FuzzRequest {
  method: string;
  path: string;
  principal: string;
  headers: Record<string, string>;
  body?: string;
  loopback: boolean;
}

const nasty = fc.constantFrom('', ' ', '%', '%zz', '%E0%A4%A', '..', '%2e%2e%2f', '\u0000', 'null', '-1', '9'.repeat(40), 'a'.repeat(3000), '<script>', "' or 1=1 --", '🎉', '%F0%9F');
/** A path segment: a realistic value, a random string (encoded) or a raw broken sequence. */
const segment = (real: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...real) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent) },
    { weight: 2, arbitrary: nasty },
  );

const queryValue = fc.oneof(fc.string({ maxLength: 30 }), nasty, fc.integer().map(String), fc.constantFrom('true', 'false', 'csv', 'json', 'birth-group', 'overdue', '2026-01-01', 'agency'));

function queryString(names: readonly string[]) {
  return fc
    .array(fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...(names.length ? names : ['q'])) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), queryValue), { maxLength: 5 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''));
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside `v` (object keys and array indexes). */
function pathsOf(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return [prefix, ...entries.flatMap(([k, x]) => pathsOf(x, [...prefix, k]))];
}

/** `template` with the value at one path replaced by `value`, removed, or a key added next to it. */
function mutate(template: Json, pick: number, op: 'set' | 'delete' | 'add', key: string, value: Json): Json {
  const copy = structuredClone(template);
  const paths = pathsOf(copy);
  const path = paths[pick % paths.length]!;
  if (path.length === 0) return op === 'set' ? value : copy;
  let parent: any = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  const last = path.at(-1)!;
  if (op === 'set') parent[last] = value;
  else if (op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  }
  else if (parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) parent[last][key] = value;
  else parent[key] = value;
  return copy;
}

export function bodyArbitrary(templates: readonly Json[], maxBytes: number) {
  const mutated = templates.length
    ? fc
        .tuple(fc.constantFrom(...templates), fc.nat(), fc.constantFrom('set' as const, 'delete' as const, 'add' as const), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>)
        .map(([t, pick, op, key, value]) => JSON.stringify(mutate(t, pick, op, key, value)))
    : fc.constant('{}');
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...templates.map((t) => JSON.stringify(t)), '{}') },
    { weight: 6, arbitrary: mutated },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('{"a":', '[[[[', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}', '\uFEFF{}', 'x'.repeat(maxBytes + 10)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Header values are bytes on the wire (latin-1, no control characters). */
const latin1 = (s: string) => s.replace(/[^\x20-\x7e\xa0-\xff]/g, '');
const headerValue = fc.oneof(fc.string({ maxLength: 40 }).map(latin1), fc.string({ unit: 'binary', maxLength: 20 }).map(latin1), nasty.map(latin1));

function headersArbitrary() {
  return fc.record(
    {
      'content-type': fc.oneof(
        { weight: 5, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/xml') },
        { weight: 1, arbitrary: headerValue },
      ),
      'idempotency-key': headerValue,
      accept: fc.constantFrom('application/json', 'text/html', '*/*', 'text/csv'),
      origin: fc.constantFrom('https://evil.example', 'null'),
      'x-forwarded-for': fc.constantFrom('127.0.0.1', '10.0.0.1'),
    },
    { requiredKeys: ['content-type'] },
  );
}

/** A random request over the app's routes; `params` gives realistic values per path parameter name. */
export function requestArbitrary(opts: {
  routes: readonly RouteSpec[];
  params: Record<string, readonly string[]>;
  queryNames: readonly string[];
  bodies: Record<string, readonly Json[]>;
  principals: readonly string[];
  maxBodyBytes: number;
}): fc.Arbitrary<FuzzRequest> {
  const routed = fc.constantFrom(...opts.routes).chain((route) => {
    const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
    return fc.record({
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') }),
      segments: fc.tuple(...names.map((n) => segment(opts.params[n] ?? ['x']))) as fc.Arbitrary<string[]>,
      query: queryString(opts.queryNames),
      body: bodyArbitrary(opts.bodies[`${route.method} ${route.path}`] ?? [], opts.maxBodyBytes),
    }).map(({ method, segments, query, body }) => {
      let i = 0;
      const path = route.path.replace(/:([A-Za-z]+)/g, () => segments[i++]!);
      return { method, path: `${path}${query}`, body: method === 'GET' || method === 'HEAD' ? undefined : body };
    });
  });
  const randomPath = fc
    .tuple(fc.array(segment(['cases', 'ops', 'procedures', 'people', 'agencies', 'kpis', 'auth']), { minLength: 1, maxLength: 4 }), fc.constantFrom('GET', 'POST', 'DELETE'))
    .map(([segs, method]) => ({ method, path: `/${segs.join('/')}`, body: method === 'POST' ? '{}' : undefined }));
  return fc
    .record({
      target: fc.oneof({ weight: 9, arbitrary: routed }, { weight: 1, arbitrary: randomPath }),
      principal: fc.constantFrom(...opts.principals),
      headers: headersArbitrary(),
      loopback: fc.boolean(),
    })
    .map(({ target, principal, headers, loopback }) => ({ ...target, principal, headers, loopback }));
}
