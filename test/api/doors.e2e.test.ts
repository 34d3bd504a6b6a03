/**
 * The API's doors: size limits (nothing oversized is written), unknown fields, idempotency per principal with
 * random case ids, one status/outcome vocabulary and 409 CASE_CLOSED. Real devserver, SDK workers, registries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createApp } from '../../api/app';
import type { DevIdentityProvider } from '../../identity/dev-identity-provider';
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { persons } from '../../db/registries/schema';
import { FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER } from '../../db/seed';
import { HTTP_BODY_MAX_BYTES, CASE_MESSAGE_MAX_BYTES, EVENT_TEXT_MAX_CHARS } from '../../domain/limits';
import { MessageTooLargeError, sendEvent } from '../../workflows/case-client';
import type { Harness } from '../support/harness';
import { devCredential } from '../../worker/dev-credentials';
import { apiCaller, startApiStack, MOTHER, FATHER, HEAD, JUSTICE } from './helpers';
import { setTimeout as sleep } from 'node:timers/promises';

let h: Harness;
let idp: DevIdentityProvider;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ({ h, idp, app } = await startApiStack());
});
afterAll(async () => h?.close());

const { call, waitFor } = apiCaller(() => app, () => idp, MOTHER);

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

function childFields(name: string) {
  return {
    'mother.personalId': FIXTURE_MOTHER.personalId,
    'father.personalId': FIXTURE_FATHER.personalId,
    'child.fullName': name,
    'child.dateOfBirth': daysAgo(3),
    'child.sex': 'female',
    'child.placeOfBirth': '00004',
    'child.ethnicity': 'Kinh',
    medicalBirthNoticeNo: `CS-DOORS-${name.replace(/\W/g, '')}`,
    'registration.communeCode': '00004',
    'registration.provinceCode': '01',
  };
}
const mother = { personalId: FIXTURE_MOTHER.personalId };
const father = { personalId: FIXTURE_FATHER.personalId };
/** The same officer as JUSTICE, for a message sent past the API (the SDK client carries the actor itself). */
const justiceOfficer = { kind: 'officer', id: 'tp-01', agency: 'justice' };



/** The history length once it has stopped growing (two reads 300 ms apart agree). */
async function settledHistoryLength(workflowId: string): Promise<number> {
  let last = -1;
  for (;;) {
    const n = (await h.client.workflow.getHandle(workflowId).describe()).historyLength;
    if (n === last) return n;
    last = n;
    await sleep(300);
  }
}

describe('size limits', () => {
  it('a body over the limit answers 413 before anything is read or written; oversized fields are refused; the case stays readable', async () => {
    const submitted = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: childFields('Lê Thị Giới Hạn') }, MOTHER);
    expect(submitted.status).toBe(201);
    const { caseId } = submitted.body;
    await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'REFUSE_BIRTH'));
    // The read model is written from inside the workflow task (a local activity): wait for that task's own events
    // to land, so what follows is measured against a settled history.
    const historyBefore = await settledHistoryLength(`case-${caseId}`);

    const huge = await call('POST', `/cases/${caseId}/events`, { type: 'REFUSE_BIRTH', data: { reason: 'x'.repeat(5 * 1024 * 1024) } }, JUSTICE);
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { maxBytes: HTTP_BODY_MAX_BYTES } });
    const long = await call('POST', `/cases/${caseId}/events`, { type: 'REFUSE_BIRTH', data: { reason: 'y'.repeat(EVENT_TEXT_MAX_CHARS + 1) } }, JUSTICE);
    expect(long.status).toBe(400);
    expect(long.body.error.code).toBe('INVALID_INPUT');
    const longField = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: { ...childFields('Lê Thị Dài'), 'child.fullName': 'z'.repeat(501) } }, MOTHER);
    expect(longField.status).toBe(400);

    // Past the API (e.g. the ops CLI or another client): the case itself refuses an oversized message.
    const bigReason = 'w'.repeat(CASE_MESSAGE_MAX_BYTES);
    await expect(sendEvent(h.client, caseId, { type: 'REFUSE_BIRTH', actor: justiceOfficer as any, reason: bigReason } as any)).rejects.toBeInstanceOf(MessageTooLargeError);
    expect((await h.client.workflow.getHandle(`case-${caseId}`).describe()).historyLength).toBe(historyBefore);
    const read = await call('GET', `/cases/${caseId}`, undefined, MOTHER);
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('in_progress');
    expect(read.body.history).toEqual([]);
  });

  it('the Temporal frontend (devserver) refuses a gRPC message over 4 MiB, and nothing is started', async () => {
    // One attempt: the SDK's default client retries RESOURCE_EXHAUSTED ten times over ~40 s of backoff, which says
    // nothing of the server and pushed this test past its timeout on a busy machine.
    const once = await Connection.connect({ address: h.server.address, ...(await devCredential(idp, 'api', 'default')), interceptors: [] });
    try {
      const client = new Client({ connection: once, namespace: 'default', dataConverter: h.dataConverter });
      const start = client.workflow.start('runProcedure', { taskQueue: 'engine', workflowId: 'case-oversized', args: [{ blob: 'x'.repeat(5 * 1024 * 1024) }] });
      const err = (await start.catch((e: unknown) => e)) as { cause?: { code?: number; details?: string } };
      // gRPC RESOURCE_EXHAUSTED (8), the status a Temporal frontend gives a message over its limit.
      expect(err.cause).toMatchObject({ code: 8, details: expect.stringMatching(/larger than 4194304 bytes/) });
    } finally {
      await once.close();
    }
    await expect(h.client.workflow.getHandle('case-oversized').describe()).rejects.toThrow();
  });

  it('an unknown field at any level is an error', async () => {
    const extra = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: childFields('Lê Văn Thừa'), priority: 'high' }, MOTHER);
    expect(extra.status).toBe(400);
    expect(extra.body.error.details.map((d: any) => d.message).join(' ')).toMatch(/priority/);
    const nestedExtra = await call('POST', '/applications', { procedureId: 'birth-group', applicant: { ...mother, role: 'boss' }, fields: childFields('Lê Văn Thừa') }, MOTHER);
    expect(nestedExtra.status).toBe(400);
    expect(nestedExtra.body.error.details.map((d: any) => d.message).join(' ')).toMatch(/role/);
    const eventExtra = await call('POST', '/cases/any-case/events', { type: 'APPROVE_BIRTH', priority: 'high' }, JUSTICE);
    expect(eventExtra.status).toBe(400);
    // Who acts comes from the token: an `actor` in the body (with or without extra fields) is refused, not trusted.
    const actorExtra = await call('POST', '/cases/any-case/events', { type: 'APPROVE_BIRTH', actor: { ...justiceOfficer, role: 'boss' } }, JUSTICE);
    expect(actorExtra.status).toBe(400);
    expect(actorExtra.body.error.code).toBe('BODY_ACTOR_REFUSED');
  });
});

describe('idempotency per principal, random case ids', () => {
  it("another applicant's key never matches; the same key with another application is refused; ids are not derived from the application", async () => {
    const key = 'shared-key-0001';
    const a = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: childFields('Lê Thị Khoá') }, MOTHER, { 'idempotency-key': key });
    expect(a.status).toBe(201);
    expect(a.body.caseId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: childFields('Lê Thị Khoá') }, MOTHER, { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ caseId: a.body.caseId, duplicate: true });
    // The father re-uses the mother's key: his own case, never hers.
    const b = await call('POST', '/applications', { procedureId: 'birth-group', applicant: father, fields: childFields('Lê Văn Khoá') }, FATHER, { 'idempotency-key': key });
    expect(b.status).toBe(201);
    expect(b.body.duplicate).toBe(false);
    expect(b.body.caseId).not.toBe(a.body.caseId);
    // The same key for a different application of the same principal: refused, nothing started.
    const reused = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: childFields('Lê Thị Khác') }, MOTHER, { 'idempotency-key': key });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('the applicant name is never needed; when given it must match the register', async () => {
    const noName = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: childFields('Lê Thị Tên') }, MOTHER);
    expect(noName.status).toBe(201);
    const wrong = await call('POST', '/applications', { procedureId: 'birth-group', applicant: { ...mother, fullName: 'Someone Else' }, fields: childFields('Lê Thị Tên Sai') }, MOTHER);
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'APPLICANT_NAME_MISMATCH', details: { field: 'applicant.fullName', registry: 'population' } });
  });
});

describe('one vocabulary; a closed case answers 409 CASE_CLOSED', () => {
  it('submit and read use the same status names; a closed case refuses events with 409 while GET finds it', async () => {
    const submitted = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: childFields('Lê Thị Đóng') }, MOTHER);
    expect(submitted.body.status).toBe('in_progress');
    const { caseId } = submitted.body;
    const open = await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'REFUSE_BIRTH'));
    expect(open.status).toBe('in_progress');
    expect(open.outcome).toBeNull();
    const refused = await call('POST', `/cases/${caseId}/events`, { type: 'REFUSE_BIRTH', data: { reason: 'the medical birth notice is not genuine' } }, JUSTICE);
    expect(refused.status).toBe(200);
    const closed = await waitFor(caseId, (c) => c.status === 'closed');
    expect(closed.outcome).toEqual({ name: 'refused', documents: [] });
    const late = await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_BIRTH' }, JUSTICE);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('CASE_CLOSED');
    // Once the run has ended (the workflow completed), the same answer.
    await h.client.workflow.getHandle(`case-${caseId}`).result();
    const after = await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_BIRTH' }, JUSTICE);
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('CASE_CLOSED');
    expect((await call('GET', `/cases/${caseId}`, undefined, MOTHER)).status).toBe(200);
    expect((await call('POST', '/cases/no-such-case/events', { type: 'APPROVE_BIRTH' }, JUSTICE)).body.error.code).toBe('CASE_NOT_FOUND');
  });
});

describe('data paths always complete', () => {
  it('whatever order fields arrive in, `missing` lists only what the applicant can give, and the case goes on', async () => {
    const { 'mother.personalId': _m, 'father.personalId': _f, ...rest } = childFields('Lê Thị Thứ Tự');
    const submitted = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: rest }, MOTHER);
    expect(submitted.status).toBe(201);
    expect(submitted.body.status).toBe('awaiting_data');
    expect(submitted.body.missing.map((m: any) => m.field)).toEqual(['mother.personalId']);
    expect(submitted.body.fromRegistriesOnceKeyGiven).toEqual(
      expect.arrayContaining([{ field: 'mother.fullName', registry: 'population', keyField: 'mother.personalId' }]),
    );
    const given = await call('POST', `/cases/${submitted.body.caseId}/data`, { fields: { 'mother.personalId': mother.personalId } }, MOTHER);
    expect(given.status).toBe(200);
    expect(given.body.missing).toEqual([]);
    await waitFor(submitted.body.caseId, (c) => c.activeStates.includes('birth.awaitingOfficer'));
  });

  it('an officer may not request a field the state holds; a supplement corrects applicant-given fields, the old value kept', async () => {
    const submitted = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: childFields('Lê Thị Bổ Sung') }, MOTHER);
    const { caseId } = submitted.body;
    await waitFor(caseId, (c) => c.activeStates.includes('birth.awaitingOfficer'));
    const held = await call('POST', `/cases/${caseId}/events`, { type: 'REQUEST_SUPPLEMENT', data: { missing: ['mother.fullName'] } }, JUSTICE);
    expect(held.status).toBe(409);
    expect(held.body.error.message).toMatch(/mother\.fullName.*held by the population registry/);
    const asked = await call('POST', `/cases/${caseId}/events`, { type: 'REQUEST_SUPPLEMENT', data: { missing: ['registration.communeCode'] } }, JUSTICE);
    expect(asked.status).toBe(200);
    const notTheirs = await call('POST', `/cases/${caseId}/events`, { type: 'SUPPLEMENT', data: { fields: { 'mother.fullName': 'Trần Thị B' } } }, MOTHER);
    expect(notTheirs.status).toBe(409);
    const fixed = await call('POST', `/cases/${caseId}/events`, { type: 'SUPPLEMENT', data: { fields: { 'registration.communeCode': '00070' } } }, MOTHER);
    expect(fixed.status).toBe(200);
    const after = await waitFor(caseId, (c) => c.activeStates.includes('birth.awaitingOfficer'));
    expect(after.context.application.registration.communeCode).toBe('00070');
    expect(after.context.supplements[0].corrections).toEqual([{ field: 'registration.communeCode', from: '00004', to: '00070' }]);
  });
});

describe('consistent facts at receipt; the dead cannot act', () => {
  const refused = async (fields: Record<string, unknown>, applicant = mother) => {
    const r = await call('POST', '/applications', { procedureId: 'birth-group', applicant, fields }, `citizen:${applicant.personalId}`);
    expect(r.status).toBe(422);
    return { code: r.body.error.code, field: r.body.error.details.field };
  };

  it('refuses impossible facts before a case starts, naming the rule and the field', async () => {
    const base = childFields('Lê Thị Kiểm');
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    expect(await refused({ ...base, 'child.dateOfBirth': tomorrow })).toEqual({ code: 'DATE_IN_FUTURE', field: 'child.dateOfBirth' });
    expect(await refused({ ...base, 'child.dateOfBirth': '1990-01-01' })).toEqual({ code: 'BORN_BEFORE_PARENT', field: 'child.dateOfBirth' });
    expect(await refused({ ...base, 'registration.communeCode': '99999' })).toEqual({ code: 'UNKNOWN_COMMUNE', field: 'registration.communeCode' });
    expect(await refused({ ...base, 'registration.communeCode': '26734' })).toEqual({ code: 'COMMUNE_NOT_IN_PROVINCE', field: 'registration.communeCode' });
    expect(await refused({ ...base, 'registration.provinceCode': '99' })).toEqual({ code: 'UNKNOWN_PROVINCE', field: 'registration.provinceCode' });
    expect(await refused({ ...base, 'child.ethnicity': 'Klingon' })).toEqual({ code: 'UNKNOWN_ETHNICITY', field: 'child.ethnicity' });
  });

  it('a registered child or a used birth notice is refused, pointing at the existing case', async () => {
    const fields = childFields('Lê Văn Một Lần');
    const first = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields }, MOTHER);
    expect(first.status).toBe(201);
    await waitFor(first.body.caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'APPROVE_BIRTH'));
    await call('POST', `/cases/${first.body.caseId}/events`, { type: 'APPROVE_BIRTH' }, JUSTICE);
    await waitFor(first.body.caseId, (c) => c.activeStates.some((s: string) => s.startsWith('services.')));
    const again = await call('POST', '/applications', { procedureId: 'birth-group', applicant: father, fields: { ...fields, medicalBirthNoticeNo: 'CS-ANOTHER-NUMBER' } }, FATHER);
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({ code: 'BIRTH_ALREADY_RECORDED', details: { field: 'child.fullName', existing: { caseId: first.body.caseId } } });
    const reusedNotice = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: { ...childFields('Lê Văn Khác Hẳn'), medicalBirthNoticeNo: fields.medicalBirthNoticeNo } }, MOTHER);
    expect(reusedNotice.body.error).toMatchObject({ code: 'BIRTH_NOTICE_ALREADY_USED', details: { field: 'medicalBirthNoticeNo' } });
  });

  it('a person recorded as deceased can neither apply nor consent', async () => {
    const submitted = await call('POST', '/applications', { procedureId: 'birth-group', applicant: mother, fields: childFields('Lê Thị Mồ Côi') }, MOTHER);
    const { caseId } = submitted.body;
    await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'APPROVE_BIRTH'));
    await call('POST', `/cases/${caseId}/events`, { type: 'APPROVE_BIRTH' }, JUSTICE);
    await waitFor(caseId, (c) => c.acceptedEvents.some((e: any) => e.type === 'HEAD_CONSENT'));
    // The household head's death is registered meanwhile (the population register marks him).
    await h.registries.db.update(persons).set({ deceased: true }).where(eq(persons.personalId, FIXTURE_HOUSEHOLD_HEAD.personalId));
    const consent = await call('POST', `/cases/${caseId}/events`, { type: 'HEAD_CONSENT' }, HEAD);
    expect(consent.status).toBe(422);
    expect(consent.body.error).toMatchObject({ code: 'PERSON_DECEASED', details: { field: 'actor.id' } });
    expect((await call('GET', `/cases/${caseId}`, undefined, MOTHER)).body.history.map((e: any) => e.type)).toEqual(['APPROVE_BIRTH']);
    const deadApplicant = await call('POST', '/applications', {
      procedureId: 'birth-group',
      applicant: { personalId: FIXTURE_HOUSEHOLD_HEAD.personalId },
      fields: { ...childFields('Lê Văn Ma'), 'father.personalId': FIXTURE_HOUSEHOLD_HEAD.personalId },
    }, HEAD);
    expect(deadApplicant.status).toBe(422);
    expect(deadApplicant.body.error).toMatchObject({ code: 'PERSON_DECEASED', details: { field: 'applicant.personalId' } });
  });
});
