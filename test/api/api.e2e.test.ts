/**
 * The HTTP API end to end through `app.request()`: real devserver, real SDK workers and client, registries on PGlite,
 * every request with a bearer token from the local identity provider (the principal comes from the token only).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import * as diagram from '../../designer/diagram';
import { createCaseService } from '../../api/case-service';
import { createOpsRoutes } from '../../ops/routes';
import { auditRegistries, createPostgresAuditSink, createPostgresRegistries } from '../../activities/registries';
import { FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER } from '../../db/seed';
import { childFields } from './fixtures';
import { startHarness, type Harness } from '../support/harness';
import { apiSecurity } from '../../api/security-config';
import { openDevIdentityProvider, parsePrincipalSpec } from '../../identity/dev-identity-provider';
import { setTimeout as sleep } from 'node:timers/promises';

let h: Harness;
let app: ReturnType<typeof createApp>;
/** Bearer tokens by `--as` spec (npm run token). */
const tokens: Record<string, string> = {};
const MOTHER = `citizen:${FIXTURE_MOTHER.personalId}`;
const FATHER = `citizen:${FIXTURE_FATHER.personalId}`;
const HEAD = `citizen:${FIXTURE_HOUSEHOLD_HEAD.personalId}`;
const JUSTICE = 'officer:justice:tp-01';
const POLICE = 'officer:police:ca-07';
const OPERATOR = 'operator:op-01';
const AUDITOR = 'auditor:au-01';

beforeAll(async () => {
  const idp = await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'idp-')) });
  // The devserver authenticates every call too, as in `npm start`: each worker with its own scoped credential.
  h = await startHarness({ identity: idp });
  const registries = auditRegistries(createPostgresRegistries(h.registries.db), createPostgresAuditSink(h.registries.db), () => new Date());
  for (const who of [MOTHER, FATHER, HEAD, JUSTICE, POLICE, OPERATOR, AUDITOR, 'citizen:001099999999']) tokens[who] = await idp.apiToken(parsePrincipalSpec(who));
  app = createApp(createCaseService({ client: h.client, db: h.registries.db, registries, diagram }), {
    ops: createOpsRoutes({ client: h.client, db: h.registries.db }),
    security: apiSecurity({ devIdentityProvider: idp }),
  });
});
afterAll(async () => h?.close());

async function call(method: string, path: string, body?: unknown, as?: string) {
  const res = await app.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}


const applicant = { personalId: FIXTURE_MOTHER.personalId, fullName: FIXTURE_MOTHER.fullName };

async function waitFor(caseId: string, predicate: (c: any) => boolean, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < until) {
    last = await call('GET', `/cases/${caseId}`, undefined, MOTHER);
    if (last.status === 200 && predicate(last.body)) return last.body;
    await sleep(100);
  }
  throw new Error(`case ${caseId} never matched; last ${JSON.stringify(last?.body?.activeStates ?? last?.body)}`);
}

describe('HTTP API', () => {
  it('reports health of the API, database and Temporal', async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { api: { ok: true }, database: { ok: true }, temporal: { ok: true } } });
  });

  it('lists and describes procedures with the source of every field', async () => {
    const list = await call('GET', '/procedures');
    expect(list.body.procedures.map((p: any) => p.id)).toContain('birth-group');
    const one = await call('GET', '/procedures/birth-group');
    expect(one.status).toBe(200);
    expect(one.body.data.find((d: any) => d.field === 'mother.fullName').source).toMatchObject({ kind: 'registry', registry: 'population' });
    expect((await call('GET', '/procedures/no-such')).body.error.code).toBe('PROCEDURE_NOT_FOUND');
  });

  it('serves a procedure diagram as SVG and Mermaid', async () => {
    const svg = await app.request('/procedures/birth-group/diagram');
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    const text = await svg.text();
    expect(text).toMatch(/^<(\?xml|svg)/);
    expect(text).toContain('police');
    const mermaid = await app.request('/procedures/birth-group/diagram?format=mermaid');
    expect(await mermaid.text()).toContain('stateDiagram-v2');
    expect((await call('GET', '/procedures/birth-group/diagram?format=png')).status).toBe(400);
  });

  it('rejects malformed input with a JSON error naming each bad field', async () => {
    const res = await call('POST', '/applications', { procedureId: 'birth-group', applicant: { personalId: '12', fullName: '' } }, MOTHER);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.details.map((d: any) => d.path)).toEqual(expect.arrayContaining(['applicant.personalId', 'applicant.fullName']));
    const notJson = await app.request('/applications', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[MOTHER]}` }, body: '{' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe('INVALID_INPUT');
  });

  it('refuses data the state already holds, naming the field and the registry', async () => {
    const res = await call('POST', '/applications', {
      procedureId: 'birth-group',
      applicant,
      fields: childFields('Refused Field', { 'mother.fullName': FIXTURE_MOTHER.fullName }),
    }, MOTHER);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('DATA_ALREADY_HELD');
    expect(res.body.error.message).toContain('mother.fullName');
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'mother.fullName', registry: 'population' })]);
  });

  it('refuses an applicant or parent the population database does not know', async () => {
    const unknownApplicant = await call('POST', '/applications', {
      procedureId: 'birth-group',
      applicant: { personalId: '001099999999', fullName: 'Nobody' },
      fields: childFields('Nobody Child'),
    }, 'citizen:001099999999');
    expect(unknownApplicant.status).toBe(422);
    expect(unknownApplicant.body.error.code).toBe('APPLICANT_NOT_FOUND');
    const unknownMother = await call('POST', '/applications', {
      procedureId: 'birth-group',
      applicant,
      fields: childFields('Unknown Mother', { 'mother.personalId': '001199999999' }),
    }, MOTHER);
    expect(unknownMother.status).toBe(422);
    expect(unknownMother.body.error.code).toBe('REGISTRY_RECORD_NOT_FOUND');
  });

  it('runs a birth application to completion: prefilled from registries, decisions by officers, audit trail', async () => {
    const submitted = await call('POST', '/applications', { procedureId: 'birth-group', applicant, fields: childFields('Nguyễn Minh Khôi') }, MOTHER);
    expect(submitted.status).toBe(201);
    const { caseId } = submitted.body;
    expect(submitted.body.status).toBe('in_progress');
    expect(submitted.body.missing).toEqual([]);
    expect(submitted.body.prefilled).toEqual(
      expect.arrayContaining([
        { field: 'mother.fullName', registry: 'population' },
        { field: 'father.fullName', registry: 'population' },
      ]),
    );
    // Nothing the state holds was collected: every provided field is citizen-sourced by declaration.
    const procedure = (await call('GET', '/procedures/birth-group')).body;
    for (const f of submitted.body.provided) {
      expect(procedure.data.find((d: any) => d.field === f).source.kind).toBe('citizen');
    }

    const again = await call('POST', '/applications', { procedureId: 'birth-group', applicant, fields: childFields('Nguyễn Minh Khôi') }, MOTHER);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ caseId, duplicate: true });

    await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'APPROVE_BIRTH'));
    const wrongActor = await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_BIRTH' }, POLICE);
    expect(wrongActor.status).toBe(409);
    expect(wrongActor.body.error.code).toBe('EVENT_NOT_ACCEPTED');
    const notNow = await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_RESIDENCE' }, POLICE);
    expect(notNow.status).toBe(409);

    expect((await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_BIRTH' }, JUSTICE)).status).toBe(200);
    await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'HEAD_CONSENT'));
    const consent = await call('POST', `/cases/${caseId}/events`, { type: 'HEAD_CONSENT' }, HEAD);
    expect(consent.status).toBe(200);
    await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'APPROVE_RESIDENCE'));
    expect((await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_RESIDENCE' }, POLICE)).status).toBe(200);

    const done = await waitFor(caseId, (c) => c.status === 'closed');
    expect(done.outcome.name).toBe('completed');
    // One shape for every procedure: the documents the case issued, with kind, number, issuer and date.
    expect(done.outcome.documents.map((d: any) => d.kind).sort()).toEqual(['birthCertificate', 'healthInsuranceCard', 'permanentResidence', 'personalIdNumber']);
    for (const d of done.outcome.documents) {
      expect(d).toEqual({ kind: expect.any(String), number: expect.any(String), issuer: expect.any(String), issuedAt: expect.stringMatching(/^\d{4}-/), subjectId: expect.any(String) });
    }
    expect(done.steps.map((s: any) => s.step)).toEqual(expect.arrayContaining(['total', 'birth', 'residence', 'insurance']));
    for (const s of done.steps) expect(s.dueAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const audit = await call('GET', `/cases/${caseId}/audit`, undefined, AUDITOR);
    expect(audit.status).toBe(200);
    const ops = audit.body.entries.map((e: any) => `${e.registry}.${e.operation}`);
    expect(ops).toEqual(expect.arrayContaining(['population.getPerson', 'population.createPerson', 'civilStatus.registerBirth']));
    for (const e of audit.body.entries) {
      expect(e.purpose).not.toBe('');
      expect(e.legalBasis).not.toBe('');
    }
  });

  it('asks only for what is missing, then takes it through /cases/{id}/data (never data the state holds)', async () => {
    const fields: Record<string, unknown> = childFields('Lê Thu Hà');
    delete fields['child.sex'];
    delete fields['child.ethnicity'];
    const submitted = await call('POST', '/applications', { procedureId: 'birth-group', applicant, fields }, MOTHER);
    expect(submitted.status).toBe(201);
    expect(submitted.body.status).toBe('awaiting_data');
    expect(submitted.body.missing.map((m: any) => m.field).sort()).toEqual(['child.ethnicity', 'child.sex']);
    const { caseId } = submitted.body;
    const held = await call('POST', `/cases/${caseId}/data`, { fields: { 'mother.fullName': 'X' } }, MOTHER);
    expect(held.status).toBe(422);
    expect(held.body.error.code).toBe('DATA_ALREADY_HELD');
    // The father is not the applicant: the case is invisible to him (404, no existence leak).
    const stranger = await call('POST', `/cases/${caseId}/data`, { fields: { 'child.sex': 'female' } }, FATHER);
    expect(stranger.status).toBe(404);

    const first = await call('POST', `/cases/${caseId}/data`, { fields: { 'child.sex': 'female' } }, MOTHER);
    expect(first.status).toBe(200);
    expect(first.body.missing).toEqual(['child.ethnicity']);
    const second = await call('POST', `/cases/${caseId}/data`, { fields: { 'child.ethnicity': 'Kinh' } }, MOTHER);
    expect(second.body.missing).toEqual([]);
    const snapshot = await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'APPROVE_BIRTH'));
    expect(snapshot.context.application.child).toMatchObject({ sex: 'female', ethnicity: 'Kinh' });
  });

  it('serves the read-only operator views under /ops', async () => {
    const stuck = await call('GET', '/ops/stuck', undefined, OPERATOR);
    expect(stuck.status).toBe(200);
    expect(Array.isArray(stuck.body.cases)).toBe(true);
    expect(stuck.body.count).toBe(stuck.body.cases.length);
    const missing = await call('GET', '/ops/cases/does-not-exist/explain', undefined, OPERATOR);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('CASE_NOT_FOUND');
  });

  it('answers unknown cases and routes with 404 JSON errors', async () => {
    expect((await call('GET', '/cases/does-not-exist', undefined, MOTHER)).body.error.code).toBe('CASE_NOT_FOUND');
    expect((await call('GET', '/nope')).body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('answers a malformed operator list filter with 400 INVALID_QUERY, not 500', async () => {
    const res = await call('GET', `/ops/stuck?query=${encodeURIComponent('garbage(((')}`, undefined, OPERATOR);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_QUERY');
  });
});

/**
 * With the production worker options and the devserver's default poll window, an event the state does not
 * accept is refused at once (the engine sends it as an update whose validator rejects it), and a case keeps
 * answering after the engine worker restarts. On the old matching code each of these waited for a 55 s poll
 * window, past vitest's default timeout.
 */
describe('prompt answers with production worker options', { timeout: 5_000 }, () => {
  let caseId: string;
  beforeAll(async () => {
    const submitted = await call('POST', '/applications', { procedureId: 'birth-group', applicant, fields: childFields('Phạm Gia Bảo') }, MOTHER);
    caseId = submitted.body.caseId;
    await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'APPROVE_BIRTH'));
  }, 60_000);

  it('an officer event the state does not accept is answered 409 EVENT_NOT_ACCEPTED promptly, again and again', async () => {
    for (const as of [POLICE, POLICE, POLICE]) {
      const refused = await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_BIRTH' }, as);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('EVENT_NOT_ACCEPTED');
    }
    const notNow = await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_RESIDENCE' }, POLICE);
    expect(notNow.status).toBe(409);
    expect(notNow.body.error.code).toBe('EVENT_NOT_ACCEPTED');
  });

  it('a waiting case answers GET /cases/{id} as soon as the restarted engine worker polls', async () => {
    await h.stopWorker('engine');
    await h.startWorker('engine');
    const after = await call('GET', `/cases/${caseId}`, undefined, MOTHER);
    expect(after.status).toBe(200);
    expect(after.body.acceptedEvents.some((e: any) => e.type === 'APPROVE_BIRTH')).toBe(true);
    const refused = await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_BIRTH' }, POLICE);
    expect(refused.body.error.code).toBe('EVENT_NOT_ACCEPTED');
  });
});
