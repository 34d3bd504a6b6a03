/**
 * Fuzzing every HTTP route (the app's route policies and its OpenAPI document) with random paths, path parameters,
 * query strings, headers and bodies, with and without valid tokens, against the real app (devserver, SDK workers,
 * registries): never a 5xx other than a documented 503, never a hang, every JSON error `{ error: { code, message } }`
 * and nothing half-written by a refused request (no case record, no application key, no registry write).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, routePoliciesOf } from '../../api/app';
import * as diagram from '../../designer/diagram';
import { createCaseService } from '../../api/case-service';
import { apiSecurity } from '../../api/security-config';
import { createOpsRoutes } from '../../ops/routes';
import { createReadModelRoutes } from '../../api/read-model-routes';
import { auditRegistries, createPostgresAuditSink, createPostgresRegistries } from '../../activities/registries';
import { FIXTURE_FATHER, FIXTURE_MOTHER } from '../../db/seed';
import { HTTP_BODY_MAX_BYTES } from '../../domain/limits';
import { rowsOf } from '../../db/connection';
import { openDevIdentityProvider, parsePrincipalSpec, type DevIdentityProvider } from '../../identity/dev-identity-provider';
import { childFields } from './fixtures';
import { startHarness, type Harness } from '../support/harness';
import { fuzzParams, within } from '../support/fuzz-config';
import { requestArbitrary, type FuzzRequest, type RouteSpec } from './http-arbitraries';

const MOTHER = `citizen:${FIXTURE_MOTHER.personalId}`;
const PRINCIPALS = ['none', 'garbage', MOTHER, `citizen:${FIXTURE_FATHER.personalId}`, 'officer:justice:tp-01', 'officer:police:ca-79:79', 'operator:op-01', 'designer:ds-01', 'auditor:au-01'];
const FROM_LOOPBACK = { incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 50_000, remoteFamily: 'IPv4' } } };
const REQUEST_TIMEOUT_MS = 20_000;

let h: Harness;
let idp: DevIdentityProvider;
let app: ReturnType<typeof createApp>;
let caseId: string;
const tokens: Record<string, string> = {};
/** Cases opened by accepted requests: their workflows write in the background. */
const acceptedCases = new Set<string>();
let openapi: any;


async function tableCounts() {
  const [row] = rowsOf(
    await h.registries.db.execute(
      sql`select (select count(*)::int from application_keys) as keys, (select coalesce(max(id), 0)::int from audit_log) as audit`,
    ),
  );
  // The records of accepted cases are opened by their workflows (their first projection), whenever that lands:
  // a refused request is measured against the records of every other case.
  const ids = rowsOf(await h.registries.db.execute(sql`select case_id from case_records`)).map((r) => r.case_id as string);
  const records = ids.filter((id) => !acceptedCases.has(id)).length;
  return { ...(row as { keys: number; audit: number }), records };
}

async function send(r: FuzzRequest) {
  const headers: Record<string, string> = { ...r.headers };
  if (r.principal === 'garbage') headers.authorization = 'Bearer not.a.token';
  else if (r.principal !== 'none') headers.authorization = `Bearer ${tokens[r.principal]}`;
  const res = await app.request(r.path, { method: r.method, headers, body: r.body }, r.loopback ? FROM_LOOPBACK : undefined);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

/** Routes whose OpenAPI responses declare a 503 (a dependency down), by Hono path. */
function documented503(): Set<string> {
  const out = new Set<string>();
  for (const [path, ops] of Object.entries(openapi.paths ?? {}))
    for (const [method, op] of Object.entries(ops as Record<string, any>)) if (op?.responses?.['503']) out.add(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`);
  return out;
}

beforeAll(async () => {
  idp = await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'idp-')) });
  h = await startHarness({ identity: idp });
  const registries = auditRegistries(createPostgresRegistries(h.registries.db), createPostgresAuditSink(h.registries.db), () => new Date());
  const service = createCaseService({ client: h.client, db: h.registries.db, registries, diagram });
  app = createApp(service, {
    ops: createOpsRoutes({ client: h.client, db: h.registries.db }),
    readModel: createReadModelRoutes({ db: h.registries.db }),
    security: { ...apiSecurity({ devIdentityProvider: idp }), rateLimit: { perMinute: 1e9, burst: 1e9 } },
  });
  for (const who of PRINCIPALS) if (who !== 'none' && who !== 'garbage') tokens[who] = await idp.apiToken(parsePrincipalSpec(who));
  openapi = JSON.parse(await (await app.request('/openapi.json')).text());
  const submitted = await send({ method: 'POST', path: '/applications', principal: MOTHER, headers: { 'content-type': 'application/json' }, loopback: false, body: JSON.stringify(validApplication('Fuzz Seed')) });
  expect(submitted.status).toBe(201);
  caseId = JSON.parse(submitted.text).caseId;
  acceptedCases.add(caseId);
});
afterAll(async () => h?.close());

const validApplication = (name: string) => ({ procedureId: 'birth-group', applicant: { personalId: FIXTURE_MOTHER.personalId, fullName: FIXTURE_MOTHER.fullName }, fields: childFields(name) });

function routes(): RouteSpec[] {
  return app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method, path: r.path }));
}

describe('HTTP API fuzzing', () => {
  it('the routes fuzzed are every registered route, each with a policy, and every route of the OpenAPI document', () => {
    const registered = new Set(routes().map((r) => `${r.method} ${r.path}`));
    for (const r of registered) expect(routePoliciesOf(app).find(...(r.split(' ') as [string, string])), r).toBeDefined();
    for (const [path, ops] of Object.entries(openapi.paths))
      for (const method of Object.keys(ops as object)) expect(registered, `${method} ${path}`).toContain(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`);
    expect(registered.size).toBeGreaterThan(20);
  });

  it('answers every random request without a 5xx (but a documented 503), a hang, a malformed error, or a half-written refusal', async () => {
    const allowed503 = documented503();
    const queryNames = [...new Set(Object.values(openapi.paths).flatMap((ops: any) => Object.values(ops).flatMap((op: any) => (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name as string))))];
    const arbitrary = requestArbitrary({
      routes: routes(),
      params: {
        caseId: [caseId, 'no-such-case', 'c-00000000'],
        procedureId: ['birth-group', 'death-group', 'nope'],
        personalId: [FIXTURE_MOTHER.personalId, FIXTURE_FATHER.personalId, '000000000000'],
        agency: ['justice', 'police', 'vss', 'tax', 'nowhere'],
      },
      queryNames,
      bodies: {
        'POST /applications': [validApplication('Fuzz Child')],
        'POST /cases/:caseId/data': [{ fields: { 'child.sex': 'female' } }],
        'POST /cases/:caseId/events': [{ type: 'APPROVE_BIRTH' }, { type: 'HEAD_CONSENT', data: { note: 'x' } }],
        'POST /ops/commands': [{ argv: ['audit', caseId] }, { argv: ['explain', caseId] }, { argv: ['stuck'] }],
      },
      principals: PRINCIPALS,
      maxBodyBytes: HTTP_BODY_MAX_BYTES,
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async (r) => {
        const before = await tableCounts();
        const res = await within(REQUEST_TIMEOUT_MS, `${r.method} ${r.path}`, send(r));
        const route = app.routes.find((x) => x.method === r.method && x.method !== 'ALL' && new RegExp(`^${x.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(r.path.split('?')[0]!));
        const key = route ? `${route.method} ${route.path}` : '';
        if (res.status >= 500) expect({ status: res.status, key, body: res.text.slice(0, 300) }).toMatchObject({ status: 503, key: expect.toSatisfy((k: string) => allowed503.has(k)) });
        if (res.status >= 400 && r.method !== 'HEAD' && res.type.includes('application/json')) {
          const body = JSON.parse(res.text);
          expect(body.error).toMatchObject({ code: expect.stringMatching(/^[A-Z][A-Z0-9_]+$/), message: expect.any(String) });
          expect(res.text).not.toMatch(/\n\s+at\s|node_modules/);
        }
        if (res.status < 300 && r.path.startsWith('/applications') && res.type.includes('application/json')) {
          const id = JSON.parse(res.text).caseId;
          if (typeof id === 'string') acceptedCases.add(id);
        }
        if (res.status >= 400) {
          const after = await tableCounts();
          expect({ records: after.records, keys: after.keys }).toEqual({ records: before.records, keys: before.keys });
          // Reads a refused application made are audited (they happened); no registry write for an unknown case.
          const writes = rowsOf(await h.registries.db.execute(sql`select case_id, registry, operation from audit_log where id > ${before.audit} and kind = 'write'`));
          expect(writes.filter((w) => !acceptedCases.has(w.case_id))).toEqual([]);
        }
      }),
      fuzzParams(250),
    );
  });
});
