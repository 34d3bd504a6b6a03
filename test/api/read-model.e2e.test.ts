/**
 * The read model end to end through the HTTP API (`app.request()`): real devserver, SDK workers and client,
 * registries on PGlite (or DATABASE_URL's Postgres), every request with a bearer token from the local identity
 * provider (the principal comes from the token only). The README's birth example: after each decision the case's
 * projection equals the workflow's own state (no query needed to read it), the lists and work queues follow it, the
 * access log lists each access exactly once, and `reproject` repairs a damaged projection from the history.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApp } from '../../api/app';
import { createCaseService } from '../../api/case-service';
import { createReadModelRoutes } from '../../api/read-model-routes';
import { auditRegistries, createPostgresAuditSink, createPostgresRegistries } from '../../activities/registries';
import { FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER } from '../../db/seed';
import { listAudit } from '../../db/engine/audit-queries';
import { readCaseRows } from '../../db/engine/case-views';
import { getCaseRecord } from '../../db/engine/case-records';
import { caseWorkflowId, getCaseSnapshot } from '../../workflows/case-client';
import { decodeHistoryPayload } from '../../worker/codec/data-converter';
import type { CaseSnapshot } from '../../workflows/definitions';
import { runCommand } from '../../ops/main';
import { reproject } from '../../ops/reproject';
import { listKpiSnapshots } from '../../db/engine/kpi-snapshots';
import { KPI_SNAPSHOT_WORKFLOW } from '../../workflows/kpi-snapshot';
import { ENGINE_TASK_QUEUE } from '../../workflows/task-queues';
import { startHarness, type Harness } from '../support/harness';
import { readmeApplication } from './fixtures';
import { apiSecurity } from '../../api/security-config';
import { openDevIdentityProvider, parsePrincipalSpec } from '../../identity/dev-identity-provider';
import { setTimeout as sleep } from 'node:timers/promises';

let h: Harness;
let app: ReturnType<typeof createApp>;
let identityDir: string;
/** Bearer tokens by `--as` spec (npm run token). */
const tokens: Record<string, string> = {};
const MOTHER = `citizen:${FIXTURE_MOTHER.personalId}`;
const FATHER = `citizen:${FIXTURE_FATHER.personalId}`;
const HEAD = `citizen:${FIXTURE_HOUSEHOLD_HEAD.personalId}`;
const JUSTICE = 'officer:justice:tp-01';
const POLICE = 'officer:police:ca-07';
const OPERATOR = 'operator:op-01';

beforeAll(async () => {
  identityDir = mkdtempSync(join(tmpdir(), 'idp-'));
  const idp = await openDevIdentityProvider({ dir: identityDir });
  h = await startHarness({ identity: idp });
  const registries = auditRegistries(createPostgresRegistries(h.registries.db), createPostgresAuditSink(h.registries.db), () => new Date());
  for (const who of [MOTHER, FATHER, HEAD, JUSTICE, POLICE, OPERATOR]) tokens[who] = await idp.apiToken(parsePrincipalSpec(who));
  app = createApp(createCaseService({ client: h.client, db: h.registries.db, registries }), {
    readModel: createReadModelRoutes({ db: h.registries.db }),
    security: apiSecurity({ devIdentityProvider: idp }),
  });
});
afterAll(async () => h?.close());

async function call(method: string, path: string, as: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[as]}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text } as { status: number; body: any };
}


/** The projection (GET /cases/{id}, as the applicant: not a logged view) without its transition stamp. */
async function projected(caseId: string) {
  const res = await call('GET', `/cases/${caseId}`, MOTHER);
  expect(res.status).toBe(200);
  const { projection, outcome, ...snapshot } = res.body;
  expect(projection.transition).toBeGreaterThanOrEqual(0);
  // The API answers the outcome in the one vocabulary ({ name, documents }); the workflow's snapshot holds its name.
  return { ...snapshot, outcome: outcome === null ? null : outcome.name };
}

/** Waits until the workflow is where the test expects it (automated steps done), then compares with its projection. */
async function expectProjectionEqualsWorkflow(caseId: string, where: (s: CaseSnapshot) => boolean) {
  for (let i = 0; i < 100; i++) {
    const workflow = await getCaseSnapshot(h.client, caseId);
    const view = await projected(caseId);
    if (where(workflow) && isDeepStrictEqual(view, JSON.parse(JSON.stringify(workflow)))) return view;
    await sleep(100);
  }
  const view = await projected(caseId);
  expect(view).toEqual(JSON.parse(JSON.stringify(await getCaseSnapshot(h.client, caseId))));
  return view;
}

let caseId: string;

describe('read model', () => {
  it('runs the README example with every read from the projection, equal to the workflow state after each decision', async () => {
    const submitted = await call('POST', '/applications', MOTHER, readmeApplication);
    expect(submitted.status).toBe(201);
    caseId = submitted.body.caseId;
    // Visible at once (the API's transition 0, then the workflow's own).
    expect((await call('GET', `/cases/${caseId}`, MOTHER)).status).toBe(200);

    const queue = async (agency: string, as: string) => (await call('GET', `/agencies/${agency}/work-queue?provinceCode=01`, as)).body.items.map((i: any) => i.caseId);
    const accepting = (type: string) => (s: CaseSnapshot) => s.acceptedEvents.some((e) => e.type === type);
    await expectProjectionEqualsWorkflow(caseId, accepting('APPROVE_BIRTH'));
    expect(await queue('justice', JUSTICE)).toContain(caseId);

    const approved = await call('POST', `/cases/${caseId}/events`, JUSTICE, { type: 'APPROVE_BIRTH' });
    expect(approved.status).toBe(200);
    // The answer is the whole case after the event, from the read model (the update itself answers a receipt).
    expect(approved.body).toMatchObject({ caseId, procedureId: 'birth-group', receivedAt: expect.any(String) });
    expect(approved.body.history.map((e: any) => e.type)).toEqual(['APPROVE_BIRTH']);
    expect(approved.body.steps.length).toBeGreaterThan(0);
    // The update returns when its workflow task completed, and the projection is written within that task.
    expect((await projected(caseId)).history.map((e: any) => e.type)).toEqual(['APPROVE_BIRTH']);
    expect(await queue('justice', JUSTICE)).not.toContain(caseId);
    await expectProjectionEqualsWorkflow(caseId, accepting('HEAD_CONSENT'));

    const consent = await call('POST', `/cases/${caseId}/events`, HEAD, { type: 'HEAD_CONSENT' });
    expect(consent.status).toBe(200);
    await expectProjectionEqualsWorkflow(caseId, accepting('APPROVE_RESIDENCE'));
    expect(await queue('police', POLICE)).toContain(caseId);

    expect((await call('POST', `/cases/${caseId}/events`, POLICE, { type: 'APPROVE_RESIDENCE' })).status).toBe(200);
    const done = await expectProjectionEqualsWorkflow(caseId, (s) => s.status === 'closed');
    // What the history keeps of each answer: where the case stood, not a copy of the case (its personal data).
    const history = await h.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
    const answers = [];
    for (const e of history.events ?? []) {
      const outcome = e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads?.[0];
      if (outcome) answers.push(await decodeHistoryPayload<Record<string, unknown>>(h.client.options.loadedDataConverter, outcome));
    }
    expect(answers).toHaveLength(3);
    for (const a of answers) expect(Object.keys(a!).sort()).toEqual(['acceptedEvents', 'activeStates', 'caseId', 'outcome', 'state', 'status']);
    expect(answers.map((a) => [a!.caseId, a!.status])).toEqual([0, 1, 2].map(() => [caseId, 'in_progress']));
    // After the head's consent the case waited for the police officer: that answer says so.
    expect((answers[1]!.acceptedEvents as { type: string }[]).map((e) => e.type)).toContain('APPROVE_RESIDENCE');
    expect(done).toMatchObject({ status: 'closed', outcome: 'completed' });
    expect((await call('GET', `/cases/${caseId}`, MOTHER)).body.outcome).toEqual({
      name: 'completed',
      documents: expect.arrayContaining([expect.objectContaining({ kind: 'birthCertificate', issuer: 'justice' })]),
    });
    expect(await queue('police', POLICE)).not.toContain(caseId);

    const rows = (await readCaseRows(h.registries.db, caseId))!;
    expect(rows.view).toMatchObject({ status: 'closed', outcome: 'completed', channel: 'portal', provinceCode: '01', communeCode: '00004', electronicResult: true, populationDataUsed: true });
    expect(rows.decisions.map((d) => [d.n, d.type, d.agency])).toEqual([
      [1, 'APPROVE_BIRTH', 'justice'],
      [2, 'HEAD_CONSENT', null],
      [3, 'APPROVE_RESIDENCE', 'police'],
    ]);
    expect(rows.fields.find((f) => f.field === 'mother.fullName')).toMatchObject({ source: 'registry', registry: 'population' });
    expect(rows.fields.find((f) => f.field === 'child.fullName')).toMatchObject({ source: 'citizen' });
    expect(Object.fromEntries(rows.steps.map((s) => [s.step, s.agency]))).toEqual({ total: null, birth: 'justice', residence: 'police', insurance: 'vss' });
    expect(rows.steps.every((s) => s.completedAt !== null)).toBe(true);
    expect(rows.workItems).toEqual([]);
    // The per-dossier service-quality record follows the case to its settlement.
    expect(await getCaseRecord(h.registries.db, caseId)).toMatchObject({ status: 'settled', onTime: true, electronicResult: true, settledAt: rows.view.settledAt });
  });

  it('lists the case for each person in it, and by procedure, status and outcome, with cursor pagination', async () => {
    const mother = await call('GET', `/people/${FIXTURE_MOTHER.personalId}/cases`, MOTHER);
    expect(mother.status).toBe(200);
    const mine = mother.body.items.find((i: any) => i.caseId === caseId);
    expect(mine.roles).toEqual(expect.arrayContaining(['applicant', 'mother.personalId']));
    const father = await call('GET', `/people/${FIXTURE_FATHER.personalId}/cases`, FATHER);
    expect(father.body.items.map((i: any) => i.caseId)).toContain(caseId);

    // A second case, then page through the procedure's cases one at a time.
    const second = await call('POST', '/applications', MOTHER, { ...readmeApplication, fields: { ...readmeApplication.fields, 'child.fullName': 'Nguyễn Minh Bảo', medicalBirthNoticeNo: 'CS-0002' } });
    expect(second.status).toBe(201);
    const first = await call('GET', '/cases?procedureId=birth-group&limit=1', OPERATOR);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0].caseId).toBe(second.body.caseId);
    const next = await call('GET', `/cases?procedureId=birth-group&limit=1&cursor=${first.body.nextCursor}`, OPERATOR);
    expect(next.body.items.map((i: any) => i.caseId)).toEqual([caseId]);
    expect(next.body.nextCursor).toBeNull();

    const completed = await call('GET', '/cases?status=closed&outcome=completed', OPERATOR);
    expect(completed.body.items.map((i: any) => i.caseId)).toEqual([caseId]);
    expect((await call('GET', '/cases?status=bogus', OPERATOR)).status).toBe(400);
    expect((await call('GET', '/cases?colour=red', OPERATOR)).body.error.code).toBe('INVALID_INPUT');
    expect((await call('GET', '/cases?cursor=AAAA', OPERATOR)).body.error.code).toBe('INVALID_CURSOR');
  });

  it('lists each access to the applicant\'s data exactly once in her access log', async () => {
    // An officer looks at the case (through the authorization guard): one view entry for each person in it.
    expect((await call('GET', `/cases/${caseId}`, JUSTICE)).status).toBe(200);
    // The second case still runs and reads her data: look at the log up to now.
    const until = new Date(Date.now() + 1).toISOString();
    const log = await call('GET', `/people/${FIXTURE_MOTHER.personalId}/access-log?limit=200&to=${until}`, MOTHER);
    expect(log.status).toBe(200);
    const audited = (await listAudit(h.registries.db, { subjectId: FIXTURE_MOTHER.personalId })).filter((a) => a.at < until);
    expect(audited.length).toBeGreaterThan(0);
    const ids = log.body.entries.map((e: any) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(audited.map((a) => a.id));
    const ofCase = log.body.entries.filter((e: any) => e.caseId === caseId);
    expect(ofCase.length).toBeGreaterThan(0);
    // Every officer's look, oldest last: each decision they sent (it showed them the case), then the justice
    // officer's GET. The applicant's and the household head's own looks are not logged.
    expect(ofCase.filter((e: any) => e.kind === 'view')).toEqual([
      expect.objectContaining({ kind: 'view', operation: 'case', actor: 'officer:justice:tp-01', agency: 'justice', registry: 'caseFile', caseId }),
      expect.objectContaining({ kind: 'view', operation: 'events', actor: 'officer:police:ca-07', agency: 'police', caseId }),
      expect.objectContaining({ kind: 'view', operation: 'events', actor: 'officer:justice:tp-01', agency: 'justice', caseId }),
    ]);
    // Each view names the case's procedure and its legal basis (taken from the case the view showed).
    for (const e of ofCase.filter((x: any) => x.kind === 'view')) {
      expect(e).toMatchObject({ procedureId: 'birth-group', legalBasis: expect.stringMatching(/\S/) });
    }
    expect(ofCase.filter((e: any) => e.kind === 'read').length).toBeGreaterThan(0);
    for (const e of ofCase) {
      expect(e).toMatchObject({ registry: expect.any(String), agency: expect.any(String), purpose: expect.any(String), legalBasis: expect.any(String) });
      expect(e.fields.length).toBeGreaterThan(0);
    }
    // Paging: newest first, each entry on one page only.
    const page1 = await call('GET', `/people/${FIXTURE_MOTHER.personalId}/access-log?limit=2&to=${until}`, MOTHER);
    const page2 = await call('GET', `/people/${FIXTURE_MOTHER.personalId}/access-log?limit=2&to=${until}&cursor=${page1.body.nextCursor}`, MOTHER);
    expect([...page1.body.entries, ...page2.body.entries].map((e: any) => e.id)).toEqual(ids.slice(0, 4));
  });

  it('serves KPIs as JSON and CSV, and Prometheus metrics', async () => {
    const kpis = await call('GET', '/kpis?procedureId=birth-group', OPERATOR);
    expect(kpis.body.rows).toEqual([expect.objectContaining({ group: 'all', received: 2, settled: 1, settledOnTime: 1, onTimeRate: 1 })]);
    const byAgency = await call('GET', '/kpis?groupBy=agency', OPERATOR);
    expect(byAgency.body.rows.map((r: any) => r.group)).toEqual(expect.arrayContaining(['justice', 'police', 'vss']));
    const csv = await call('GET', '/kpis?groupBy=procedure&format=csv', OPERATOR);
    expect(csv.body.split('\n')[0]).toMatch(/^group,received,settled,/);
    expect(csv.body).toMatch(/\nbirth-group,2,1,1,1,/);
    expect((await call('GET', '/kpis?groupBy=colour', OPERATOR)).status).toBe(400);

    const metrics = await call('GET', '/metrics', OPERATOR);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('engine_cases_received{procedure="birth-group"} 2');
    expect(metrics.body).toContain('engine_cases_settled{procedure="birth-group",outcome="completed"} 1');
    expect(metrics.body).toMatch(/engine_step_duration_seconds_count\{agency="police"\} 1/);
    expect(metrics.body).toMatch(/registry_call_duration_seconds_count\{registry="population",operation="getPerson",outcome="ok"\} \d+/);
  });

  it('the daily KPI snapshot workflow (what the schedule starts) records the day\'s indicators on the engine worker', async () => {
    const day = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10); // today, Vietnam time
    const result = await h.client.workflow.execute(KPI_SNAPSHOT_WORKFLOW, { taskQueue: ENGINE_TASK_QUEUE, workflowId: `kpi-${day}`, args: [{ day }] });
    expect(result.day).toBe(day);
    const snapshots = await listKpiSnapshots(h.registries.db, { from: day, to: day });
    expect(snapshots).toHaveLength(result.rows);
    expect(snapshots.find((s) => s.groupBy === 'procedure' && s.groupKey === 'birth-group')!.indicators).toMatchObject({ received: 2, settled: 1 });
    expect((await call('GET', `/kpis/snapshots?from=${day}&groupBy=all`, OPERATOR)).body.snapshots).toEqual([expect.objectContaining({ day, groupKey: 'all' })]);
  });

  it('reproject repairs a damaged projection from the history and reports each difference', async () => {
    const db = h.registries.db;
    const before = await readCaseRows(db, caseId);
    await db.execute(sql`update case_views set status = 'in_progress', outcome = null where case_id = ${caseId}`);
    await db.execute(sql`delete from case_steps where case_id = ${caseId} and step = 'residence'`);
    await db.execute(sql`delete from case_decisions where case_id = ${caseId} and n = 3`);

    const dry = await reproject({ client: h.client, db }, { caseIds: [caseId], dryRun: true });
    expect(dry.repairs[0].repaired).toBe(false);
    expect((await readCaseRows(db, caseId))!.view.status).toBe('in_progress');

    const lines: string[] = [];
    const log = console.log;
    console.log = (l: string) => lines.push(l);
    try {
      expect(await runCommand({ client: h.client, db }, ['reproject', caseId, '--token', tokens[OPERATOR], '--reason', 'test repair'], { IDENTITY_DIR: identityDir })).toBe(0);
    } finally {
      console.log = log;
    }
    expect(lines[0]).toBe('1 case(s) checked; repaired 1');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^  ${caseId} \\(transition \\d+, from replay\\):$`)),
        '      case_views.status: in_progress → closed',
        '      case_views.outcome: null → completed',
        expect.stringMatching(/^ {6}case_steps: missing .*"step":"residence"/),
        expect.stringMatching(/^ {6}case_decisions: missing .*"APPROVE_RESIDENCE"/),
      ]),
    );
    const after = (await readCaseRows(db, caseId))!;
    expect({ ...after, projectedAt: null }).toEqual({ ...before, projectedAt: null, view: { ...before!.view } });
    // Nothing left to repair; the repair is in the case's audit trail.
    expect((await reproject({ client: h.client, db }, { all: true, dryRun: true })).repairs).toEqual([]);
    const trail = await listAudit(db, { caseId });
    expect(trail.some((e) => e.registry === ('operator' as never) && e.operation === 'reproject')).toBe(true);
  });
});
