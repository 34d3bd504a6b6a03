/**
 * Payload encryption end to end: a birth case (the README's example family) runs on the production data converter,
 * then every text, json/jsonb and bytea column of every devserver table (PGlite, or Postgres with DATABASE_URL) is
 * searched for the people's names and ID numbers — as text, as UTF-8 bytes and base64 — and none is found. The same
 * payloads decode through the codec endpoint for an auditor, and only for operators and auditors.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { defaultPayloadConverter } from '@temporalio/common';
import { createApp } from '../../api/app';
import { createCaseService } from '../../api/case-service';
import { createCodecRoutes } from '../../api/codec-routes';
import { apiSecurity } from '../../api/security-config';
import { createAuditedPostgresRegistries } from '../../activities/registries';
import { FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HEAD, FIXTURE_MOTHER } from '../../db/seed';
import { auditLog } from '../../db/engine/schema';
import { openDevIdentityProvider, parsePrincipalSpec } from '../../identity/dev-identity-provider';
import { caseWorkflowId, getCaseResult, sendEvent, startCase } from '../../workflows/case-client';
import { isEncryptedPayload } from '../../worker/codec/encryption-codec';
import { payloadFromJson, payloadToJson } from '../../worker/codec/remote-codec';
import { scratchDatabaseTarget } from '../support/registry-helpers';
import { birthApplication, inState, officers, startHarness, waitForCase, type Harness } from '../support/harness';

let h: Harness;
let dropDevserverDb: () => Promise<void> = async () => {};
let idp: Awaited<ReturnType<typeof openDevIdentityProvider>>;
const CHILD = 'Nguyễn Thị Bảo Ngọc';
const caseId = 'privacy-birth';

beforeAll(async () => {
  idp = await openDevIdentityProvider({ dir: mkdtempSync(join(tmpdir(), 'idp-')) });
  const scratch = await scratchDatabaseTarget('devserver_privacy');
  dropDevserverDb = scratch.drop;
  h = await startHarness({ identity: idp, devserverDb: scratch.target });
});
afterAll(async () => {
  await h?.close();
  await dropDevserverDb();
});

/** The ways a value could sit in a column: text, and base64 at each of the three byte alignments. */
function forms(value: string): { text: string; base64: string[] } {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = [0, 1, 2].map((k) => {
    const n = Math.floor((bytes.length - k) / 3) * 3;
    return bytes.subarray(k, k + n).toString('base64');
  });
  return { text: value, base64 };
}

/** Every (table, column) of the devserver's database whose type can hold text. */
async function textColumns(): Promise<{ table: string; column: string; type: string }[]> {
  const rows = await h.server.engine.db.execute(sql`
    select table_name as "table", column_name as "column", data_type as "type" from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'character varying', 'json', 'jsonb', 'bytea', 'ARRAY')`);
  return ((rows as { rows?: unknown[] }).rows ?? (rows as unknown[])) as { table: string; column: string; type: string }[];
}

/** Rows of `table` whose `column` holds `needle` (as text, as UTF-8 bytes, or base64-encoded). */
async function occurrences(table: string, column: string, type: string, needle: string): Promise<number> {
  const f = forms(needle);
  const col = sql.identifier(column);
  const tbl = sql.identifier(table);
  const where =
    type === 'bytea'
      ? sql.join([sql`position(convert_to(${f.text}, 'UTF8') in ${col}) > 0`, ...f.base64.map((b) => sql`position(convert_to(${b}, 'UTF8') in ${col}) > 0`)], sql` or `)
      : sql.join([sql`${col}::text like ${`%${f.text}%`}`, ...f.base64.map((b) => sql`${col}::text like ${`%${b}%`}`)], sql` or `);
  const res = await h.server.engine.db.execute(sql`select count(*)::int as n from ${tbl} where ${where}`);
  const rows = ((res as { rows?: unknown[] }).rows ?? (res as unknown[])) as { n: number }[];
  return Number(rows[0].n);
}

describe('no plaintext personal data in the devserver', () => {
  it('runs a birth case on encrypted payloads, and no table holds a name or ID number of its people', async () => {
    await startCase(h.client, { caseId, procedureId: 'birth-group', input: { application: birthApplication(CHILD) } });
    await waitForCase(h.client, caseId, inState('birth.awaitingOfficer'));
    await sendEvent(h.client, caseId, { type: 'APPROVE_BIRTH', actor: officers.justice });
    await waitForCase(h.client, caseId, inState('services.residence.awaitingHeadConsent'));
    await sendEvent(h.client, caseId, { type: 'HEAD_CONSENT', actor: { kind: 'citizen', id: FIXTURE_HOUSEHOLD_HEAD.personalId } });
    await waitForCase(h.client, caseId, inState('services.residence.awaitingOfficer'));
    await sendEvent(h.client, caseId, { type: 'APPROVE_RESIDENCE', actor: officers.police });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    const childId = (result.results as { childPersonalId: string }).childPersonalId;
    expect(childId).toMatch(/^\d{12}$/);

    const people = [FIXTURE_MOTHER, FIXTURE_FATHER, FIXTURE_HOUSEHOLD_HEAD];
    const needles = [CHILD, childId, ...people.flatMap((p) => [p.fullName, p.personalId])];
    const columns = await textColumns();
    expect(columns.length).toBeGreaterThan(5);
    // The scan sees what is stored in plain: the workflow type in the history's bytes, the case's workflow id.
    const seen = async (needle: string) => (await Promise.all(columns.map((c) => occurrences(c.table, c.column, c.type, needle)))).reduce((a, b) => a + b, 0);
    expect(await seen('runProcedure')).toBeGreaterThan(0);
    expect(await seen(caseWorkflowId(caseId))).toBeGreaterThan(0);
    const found: string[] = [];
    for (const needle of needles) {
      for (const c of columns) if ((await occurrences(c.table, c.column, c.type, needle)) > 0) found.push(`${c.table}.${c.column}: ${needle}`);
    }
    expect(found).toEqual([]);
  });

  it('decodes the same payloads through the codec endpoint, for operators and auditors only, and logs each decode', async () => {
    const history = await h.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
    const input = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
    expect(isEncryptedPayload(input)).toBe(true);
    const app = createApp(createCaseService({ client: h.client, db: h.registries.db, registries: createAuditedPostgresRegistries(h.registries.db, () => new Date()) }), {
      codec: createCodecRoutes({ codec: h.dataConverter.payloadCodecs![0], db: h.registries.db }),
      security: apiSecurity({ devIdentityProvider: idp }),
    });
    const decode = async (who: string | null) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-namespace': 'default' };
      if (who) headers.authorization = `Bearer ${await idp.apiToken(parsePrincipalSpec(who))}`;
      return app.request('/codec/decode', { method: 'POST', headers, body: JSON.stringify({ payloads: [payloadToJson(input)] }) });
    };
    const ok = await decode('auditor:au-01');
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { payloads: Parameters<typeof payloadFromJson>[0][] };
    const value = defaultPayloadConverter.fromPayload<{ input: { application: { mother: { personalId: string } } } }>(payloadFromJson(body.payloads[0]));
    expect(value.input.application.mother.personalId).toBe(FIXTURE_MOTHER.personalId);
    expect((await decode('operator:op-01')).status).toBe(200);
    const officer = await decode('officer:justice:tp-01');
    expect(officer.status).toBe(403);
    expect(((await officer.json()) as { error: { code: string } }).error.code).toBe('ROLE_REQUIRED');
    expect((await decode(null)).status).toBe(401);
    const logged = await h.registries.db.select().from(auditLog).where(eq(auditLog.registry, 'payloadCodec'));
    expect(logged.map((r) => [r.kind, r.operation, r.actor])).toEqual([
      ['view', 'decode', 'staff:au-01'],
      ['view', 'decode', 'staff:op-01'],
    ]);
    // Unknown fields and oversized lists are refused before anything is decoded.
    const bad = await app.request('/codec/decode', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await idp.apiToken(parsePrincipalSpec('auditor:au-01'))}` },
      body: JSON.stringify({ payloads: [], extra: 1 }),
    });
    expect(bad.status).toBe(400);
  });
});
