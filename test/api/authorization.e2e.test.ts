/**
 * Authorization of the HTTP API, end to end (real devserver, SDK workers and client, registries on PGlite): a route ×
 * principal matrix over every registered route, deny by default for a route without a policy, per-case visibility
 * with 404 (no existence leak), a forged body actor that changes nothing, the access log of officers' and operators'
 * views, rate limits, CORS, security headers and no stack traces.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, routePoliciesOf } from '../../api/app';
import * as diagram from '../../designer/diagram';
import { createCaseService, type CaseService } from '../../api/case-service';
import { apiSecurity } from '../../api/security-config';
import { createOpsRoutes } from '../../ops/routes';
import { createReadModelRoutes } from '../../api/read-model-routes';
import { auditRegistries, createPostgresAuditSink, createPostgresRegistries } from '../../activities/registries';
import { FIXTURE_FATHER, FIXTURE_MOTHER } from '../../db/seed';
import { openDevIdentityProvider, parsePrincipalSpec, type DevIdentityProvider } from '../../identity/dev-identity-provider';
import { getCaseSnapshot } from '../../workflows/case-client';
import { childFields } from './fixtures';
import { startHarness, type Harness } from '../support/harness';
import { setTimeout as sleep } from 'node:timers/promises';

let h: Harness;
let idp: DevIdentityProvider;
let service: CaseService;
let app: ReturnType<typeof createApp>;
let caseId: string;
const tokens: Record<string, string> = {};

const MOTHER = `citizen:${FIXTURE_MOTHER.personalId}`;
const OTHER_CITIZEN = `citizen:${FIXTURE_FATHER.personalId}`;
const JUSTICE = 'officer:justice:tp-01'; // Hà Nội, commune 00004: the case's commune
const JUSTICE_OTHER_COMMUNE = 'officer:justice:tp-09:01:00007';
const POLICE_HCMC = 'officer:police:ca-79:79';
const TAX = 'officer:tax:thue-01:01';
const OPERATOR = 'operator:op-01';
const DESIGNER = 'designer:ds-01';
const AUDITOR = 'auditor:au-01';
const NONE = 'none';
const PRINCIPALS = [NONE, MOTHER, OTHER_CITIZEN, JUSTICE, JUSTICE_OTHER_COMMUNE, POLICE_HCMC, TAX, OPERATOR, DESIGNER, AUDITOR];


/** The Node server's bindings for a request from this machine (what @hono/node-server's getConnInfo reads). */
const FROM_LOOPBACK = { incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 50_000, remoteFamily: 'IPv4' } } };

async function call(method: string, path: string, as: string, body?: unknown, headers: Record<string, string> = {}, env?: object) {
  const init = {
    method,
    headers: { 'content-type': 'application/json', ...(as !== NONE ? { authorization: `Bearer ${tokens[as]}` } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  };
  const res = await app.request(path, init, env);
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* HTML or SVG */
  }
  return { status: res.status, body: json, text, headers: res.headers };
}

beforeAll(async () => {
  idp = await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'idp-')) });
  // The devserver authenticates every call too, as in `npm start`: each worker with its own scoped credential.
  h = await startHarness({ identity: idp });
  const registries = auditRegistries(createPostgresRegistries(h.registries.db), createPostgresAuditSink(h.registries.db), () => new Date());
  for (const who of PRINCIPALS) if (who !== NONE) tokens[who] = await idp.apiToken(parsePrincipalSpec(who));
  service = createCaseService({ client: h.client, db: h.registries.db, registries, diagram });
  app = createApp(service, {
    ops: createOpsRoutes({ client: h.client, db: h.registries.db }),
    readModel: createReadModelRoutes({ db: h.registries.db }),
    security: apiSecurity({ devIdentityProvider: idp }),
  });
  const submitted = await call('POST', '/applications', MOTHER, { procedureId: 'birth-group', applicant: { personalId: FIXTURE_MOTHER.personalId, fullName: FIXTURE_MOTHER.fullName }, fields: childFields('Matrix Child') });
  expect(submitted.status).toBe(201);
  caseId = submitted.body.caseId;
  for (let i = 0; i < 100 && !(await getCaseSnapshot(h.client, caseId)).acceptedEvents.some((e) => e.type === 'APPROVE_BIRTH'); i++) {
    await sleep(100);
  }
});
afterAll(async () => h?.close());

type Expect = number | 'ok';
/** Expected answer per route and principal: 401 without token, 403 not for this principal, 404 not visible. */
function matrix(): { method: string; route: string; path: () => string; body?: () => unknown; form?: string; env?: object; expect: Record<string, Expect> }[] {
  const all = (e: Expect) => Object.fromEntries(PRINCIPALS.map((p) => [p, e]));
  const only = (allowed: Record<string, Expect>) => ({ ...all(403), [NONE]: 401, ...allowed });
  const officers = (e: Expect) => Object.fromEntries([JUSTICE, JUSTICE_OTHER_COMMUNE, POLICE_HCMC, TAX].map((p) => [p, e]));
  return [
    { method: 'GET', route: '/health', path: () => '/health', expect: all(200) },
    { method: 'GET', route: '/procedures', path: () => '/procedures', expect: all(200) },
    { method: 'GET', route: '/procedures/:procedureId', path: () => '/procedures/birth-group', expect: all(200) },
    { method: 'GET', route: '/procedures/:procedureId/diagram', path: () => '/procedures/birth-group/diagram', expect: all(200) },
    { method: 'GET', route: '/openapi.json', path: () => '/openapi.json', expect: all(200) },
    { method: 'GET', route: '/.well-known/jwks.json', path: () => '/.well-known/jwks.json', expect: all(200) },
    { method: 'GET', route: '/auth/login', path: () => '/auth/login', expect: all(200) },
    { method: 'POST', route: '/auth/login', path: () => '/auth/login', form: 'as=citizen%3A036196023456', expect: all(200) },
    {
      method: 'POST',
      route: '/applications',
      path: () => '/applications',
      body: () => ({ procedureId: 'birth-group', applicant: { personalId: FIXTURE_MOTHER.personalId, fullName: FIXTURE_MOTHER.fullName }, fields: childFields('Matrix Child') }),
      // The mother re-submits her application (200, the same case); another citizen may not apply in her name.
      expect: only({ [MOTHER]: 200, [OTHER_CITIZEN]: 403 }),
    },
    {
      method: 'POST',
      route: '/cases/:caseId/data',
      path: () => `/cases/${caseId}/data`,
      body: () => ({ fields: { 'child.sex': 'female' } }),
      expect: only({ [MOTHER]: 409, [OTHER_CITIZEN]: 404 }),
    },
    {
      method: 'POST',
      route: '/cases/:caseId/events',
      path: () => `/cases/${caseId}/events`,
      body: () => ({ type: 'NO_SUCH_EVENT' }),
      expect: only({ [MOTHER]: 409, [OTHER_CITIZEN]: 404, [JUSTICE]: 409, [JUSTICE_OTHER_COMMUNE]: 404, [POLICE_HCMC]: 404, [TAX]: 404 }),
    },
    {
      method: 'GET',
      route: '/cases/:caseId',
      path: () => `/cases/${caseId}`,
      expect: only({ [MOTHER]: 200, [OTHER_CITIZEN]: 404, [JUSTICE]: 200, [JUSTICE_OTHER_COMMUNE]: 404, [POLICE_HCMC]: 404, [TAX]: 404, [OPERATOR]: 200 }),
    },
    { method: 'GET', route: '/cases/:caseId/audit', path: () => `/cases/${caseId}/audit`, expect: only({ [MOTHER]: 200, [OTHER_CITIZEN]: 404, [AUDITOR]: 200 }) },
    // Operator commands are accepted from the loopback address only (app.request() has none).
    { method: 'GET', route: '/ops/stuck', path: () => '/ops/stuck', expect: only({ [OPERATOR]: 200 }) },
    { method: 'GET', route: '/ops/cases/:caseId/explain', path: () => `/ops/cases/${caseId}/explain`, expect: only({ [OPERATOR]: 200 }) },
    { method: 'GET', route: '/ops/cases/:caseId/actions', path: () => `/ops/cases/${caseId}/actions`, expect: only({ [OPERATOR]: 200 }) },
    // Read model: lists pinned to the principal (a citizen's own; an officer's agency and jurisdiction).
    { method: 'GET', route: '/cases', path: () => '/cases?procedureId=birth-group', expect: only({ ...officers(200), [OPERATOR]: 200, [AUDITOR]: 200 }) },
    {
      method: 'GET',
      route: '/people/:personalId/cases',
      path: () => `/people/${FIXTURE_MOTHER.personalId}/cases`,
      expect: only({ [MOTHER]: 200, [OTHER_CITIZEN]: 403, [OPERATOR]: 200 }),
    },
    {
      method: 'GET',
      route: '/people/:personalId/access-log',
      path: () => `/people/${FIXTURE_MOTHER.personalId}/access-log`,
      expect: only({ [MOTHER]: 200, [OTHER_CITIZEN]: 403, [AUDITOR]: 200 }),
    },
    {
      method: 'GET',
      route: '/agencies/:agency/work-queue',
      path: () => '/agencies/justice/work-queue',
      expect: only({ [JUSTICE]: 200, [JUSTICE_OTHER_COMMUNE]: 200, [POLICE_HCMC]: 403, [TAX]: 403, [OPERATOR]: 200 }),
    },
    { method: 'GET', route: '/kpis', path: () => '/kpis', expect: only({ ...officers(200), [OPERATOR]: 200, [AUDITOR]: 200 }) },
    { method: 'GET', route: '/kpis/snapshots', path: () => '/kpis/snapshots', expect: only({ ...officers(200), [OPERATOR]: 200, [AUDITOR]: 200 }) },
    { method: 'GET', route: '/metrics', path: () => '/metrics', expect: only({ [OPERATOR]: 200 }) },
    // The ops CLI's commands run in the server (ops/remote.ts), from this machine only, for an operator's token.
    {
      method: 'POST',
      route: '/ops/commands',
      path: () => '/ops/commands',
      body: () => ({ argv: ['audit', caseId] }),
      env: FROM_LOOPBACK,
      expect: only({ [OPERATOR]: 200 }),
    },
  ];
}

describe('route × principal matrix', () => {
  it('covers every registered route, each with a declared policy', () => {
    const registered = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    const tested = new Set(matrix().map((m) => `${m.method} ${m.route}`));
    expect([...registered].sort()).toEqual([...tested].sort());
    for (const r of registered) {
      const [method, path] = r.split(' ');
      expect(routePoliciesOf(app).find(method, path), r).toBeDefined();
    }
  });

  for (const row of matrix()) {
    it(`${row.method} ${row.route}`, async () => {
      for (const who of PRINCIPALS) {
        const res = row.form
          ? await call(row.method, row.path(), who, row.form, { 'content-type': 'application/x-www-form-urlencoded' })
          : await call(row.method, row.path(), who, row.body?.(), {}, row.env);
        expect({ who, status: res.status }).toEqual({ who, status: row.expect[who] });
        if (res.status === 401) expect(res.body.error.code).toBe('TOKEN_MISSING');
        if (res.status === 403) expect(res.body.error.code).toMatch(/^(ROLE_REQUIRED|APPLICANT_NOT_PRINCIPAL|PERSON_NOT_PRINCIPAL|AGENCY_NOT_PRINCIPAL|OPS_COMMANDS_LOOPBACK_ONLY)$/);
        // Not visible and not existing look the same.
        if (res.status === 404) expect(res.body.error).toEqual({ code: 'CASE_NOT_FOUND', message: `No case "${caseId}".` });
      }
    });
  }

  it('refuses a route registered without a policy (deny by default)', async () => {
    const extra = createApp(service, { security: apiSecurity({ devIdentityProvider: idp }) });
    extra.get('/undeclared', (c) => c.json({ leaked: true }));
    const res = await extra.request('/undeclared', { headers: { authorization: `Bearer ${tokens[OPERATOR]}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe('ROUTE_POLICY_MISSING');
  });
});

describe('per-case authorization', () => {
  it('answers a bad token with 401 and its code', async () => {
    const res = await app.request(`/cases/${caseId}`, { headers: { authorization: `Bearer ${await idp.temporalToken('worker:justice', ['default:write'])}` } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('TOKEN_WRONG_AUDIENCE');
  });

  it('signs in on the development login page: the token it gives works, an unknown identity is refused', async () => {
    const form = await call('GET', '/auth/login', NONE);
    expect(form.text).toMatch(/<label for="as">/);
    const login = await app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: `as=${encodeURIComponent(MOTHER)}`,
    });
    const { token } = (await login.json()) as { token: string };
    const mine = await app.request(`/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(mine.status).toBe(200);
    const bad = await call('POST', '/auth/login', NONE, 'as=officer%3Anowhere%3Ax', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/There is a problem/);
  });

  it('a forged body actor changes nothing: refused, and the case does not move', async () => {
    const before = await getCaseSnapshot(h.client, caseId);
    const forged = await call('POST', `/cases/${caseId}/events`, MOTHER, { type: 'APPROVE_BIRTH', actor: { kind: 'officer', id: 'tp-01', agency: 'justice' } });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('BODY_ACTOR_REFUSED');
    // Without the forged field the citizen is who the token says: not an officer.
    const asCitizen = await call('POST', `/cases/${caseId}/events`, MOTHER, { type: 'APPROVE_BIRTH' });
    expect(asCitizen.status).toBe(409);
    const after = await getCaseSnapshot(h.client, caseId);
    expect(after.activeStates).toEqual(before.activeStates);
    expect(after.history).toEqual(before.history);
  });

  it('a citizen cannot see or act on another citizen\'s case, exactly as if it did not exist', async () => {
    for (const [method, path] of [['GET', `/cases/${caseId}`], ['GET', `/cases/${caseId}/audit`], ['POST', `/cases/${caseId}/events`]] as const) {
      const res = await call(method, path, OTHER_CITIZEN, method === 'POST' ? { type: 'HEAD_CONSENT' } : undefined);
      const missing = await call(method, path.replace(caseId, 'no-such-case'), OTHER_CITIZEN, method === 'POST' ? { type: 'HEAD_CONSENT' } : undefined);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe(missing.body.error.code);
    }
  });

  it('an officer of another agency or outside the jurisdiction cannot act on the case', async () => {
    expect((await call('POST', `/cases/${caseId}/events`, TAX, { type: 'APPROVE_BIRTH' })).status).toBe(404);
    expect((await call('POST', `/cases/${caseId}/events`, JUSTICE_OTHER_COMMUNE, { type: 'APPROVE_BIRTH' })).status).toBe(404);
    expect((await getCaseSnapshot(h.client, caseId)).history).toEqual([]);
  });

  it('writes every view of the case by an officer or operator to the access log, shown to the data subject', async () => {
    await call('GET', `/cases/${caseId}`, JUSTICE);
    await call('GET', `/ops/cases/${caseId}/explain`, OPERATOR);
    await call('GET', `/cases/${caseId}`, MOTHER);
    const mine = await call('GET', `/cases/${caseId}/audit`, MOTHER);
    const views = mine.body.views.map((v: any) => `${v.viewer} ${v.view}`);
    expect(views).toEqual(expect.arrayContaining([`officer:justice:tp-01 case`, 'staff:op-01 ops.explain']));
    expect(views.some((v: string) => v.startsWith('citizen:'))).toBe(false);
    // The mother sees the audit entries about her own data only.
    expect(mine.body.entries.length).toBeGreaterThan(0);
    for (const e of mine.body.entries) expect(e.subjectId).toBe(FIXTURE_MOTHER.personalId);
    const all = await call('GET', `/cases/${caseId}/audit`, AUDITOR);
    expect(all.body.entries.length).toBeGreaterThan(mine.body.entries.length);
  });
});

describe('read-model lists pinned to the principal', () => {
  const ids = (res: { body: any }) => res.body.items.map((i: any) => i.caseId);

  it('an officer\'s work queue and search hold their agency\'s cases in their jurisdiction only', async () => {
    expect(ids(await call('GET', '/agencies/justice/work-queue', JUSTICE))).toContain(caseId);
    expect(ids(await call('GET', '/agencies/justice/work-queue', JUSTICE_OTHER_COMMUNE))).not.toContain(caseId);
    expect(ids(await call('GET', '/agencies/justice/work-queue', OPERATOR))).toContain(caseId);
    expect(ids(await call('GET', '/cases', JUSTICE))).toContain(caseId);
    expect(ids(await call('GET', '/cases', JUSTICE_OTHER_COMMUNE))).not.toContain(caseId);
    expect(ids(await call('GET', '/cases', POLICE_HCMC))).not.toContain(caseId);
    expect(ids(await call('GET', '/cases', TAX))).not.toContain(caseId); // tax has no step in a birth
    expect(ids(await call('GET', '/cases', AUDITOR))).toContain(caseId);
  });

  it('refuses a filter outside the principal\'s scope with its code', async () => {
    const outside = await call('GET', '/agencies/justice/work-queue?provinceCode=79', JUSTICE);
    expect(outside.status).toBe(403);
    expect(outside.body.error).toMatchObject({ code: 'OUTSIDE_JURISDICTION', details: { jurisdiction: { province: '01', commune: '00004' } } });
    expect((await call('GET', '/cases?communeCode=00004', JUSTICE_OTHER_COMMUNE)).body.error.code).toBe('OUTSIDE_JURISDICTION');
    expect((await call('GET', '/agencies/police/work-queue', JUSTICE)).body.error.code).toBe('AGENCY_NOT_PRINCIPAL');
    expect((await call('GET', '/kpis?agency=police', JUSTICE)).body.error.code).toBe('AGENCY_NOT_PRINCIPAL');
    expect((await call('GET', '/kpis/snapshots?groupBy=procedure', JUSTICE)).body.error.code).toBe('AGENCY_NOT_PRINCIPAL');
    expect((await call('GET', `/people/${FIXTURE_MOTHER.personalId}/cases`, OTHER_CITIZEN)).body.error.code).toBe('PERSON_NOT_PRINCIPAL');
    expect((await call('GET', `/people/${FIXTURE_MOTHER.personalId}/access-log`, OTHER_CITIZEN)).body.error.code).toBe('PERSON_NOT_PRINCIPAL');
  });

  it('an officer\'s indicators are their agency\'s', async () => {
    const mine = await call('GET', '/kpis?groupBy=agency', JUSTICE);
    expect(mine.body.rows.map((r: any) => r.group)).toEqual(['justice']);
    const all = await call('GET', '/kpis?groupBy=agency', OPERATOR);
    expect(all.body.rows.map((r: any) => r.group)).toEqual(expect.arrayContaining(['justice', 'police', 'vss']));
  });
});

describe('HTTP guards', () => {
  it('limits requests per principal with 429 and Retry-After', async () => {
    let t = 0;
    const limited = createApp(service, { security: { ...apiSecurity({ devIdentityProvider: idp }), rateLimit: { perMinute: 60, burst: 2, now: () => t } } });
    const get = (as: string) => limited.request('/procedures', { headers: { authorization: `Bearer ${tokens[as]}` } });
    expect((await get(MOTHER)).status).toBe(200);
    expect((await get(MOTHER)).status).toBe(200);
    const third = await get(MOTHER);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(((await third.json()) as any).error.code).toBe('RATE_LIMITED');
    expect((await limited.request('/procedures')).status).toBe(200); // another key: the anonymous client
    t += 1000;
    expect((await get(MOTHER)).status).toBe(200);
  });

  it('allows CORS only from the console origin, and sends security headers', async () => {
    const withConsole = createApp(service, { security: apiSecurity({ devIdentityProvider: idp, corsOrigins: ['https://console.example'] }) });
    const ok = await withConsole.request('/procedures', { headers: { origin: 'https://console.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://console.example');
    const other = await withConsole.request('/procedures', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ok.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(ok.headers.get('cache-control')).toBe('no-store');
  });

  it('POST /ops/commands takes exactly { argv: string[] }: an unknown field or a body that is not JSON is 400', async () => {
    const extra = await call('POST', '/ops/commands', OPERATOR, { argv: ['audit', caseId], env: { OPS_TOKEN: 'x' } }, {}, FROM_LOOPBACK);
    expect(extra.status).toBe(400);
    expect(extra.body.error).toMatchObject({ code: 'INVALID_INPUT', details: { unknownFields: ['env'] } });
    const notJson = await call('POST', '/ops/commands', OPERATOR, '{"argv": [', {}, FROM_LOOPBACK);
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('INVALID_INPUT');
    const ran = await call('POST', '/ops/commands', OPERATOR, { argv: ['audit', caseId] }, {}, FROM_LOOPBACK);
    expect(ran.body).toMatchObject({ exitCode: 0, output: expect.any(Array) });
  });

  it('never answers with a stack trace', async () => {
    const failing = createApp({ ...service, health: async () => { throw new Error('boom in /srv/secret/file.ts'); } }, { security: apiSecurity({ devIdentityProvider: idp }) });
    const res = await failing.request('/health');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('INTERNAL');
    expect(text).not.toMatch(/boom|secret|\bat\s/);
  });
});
