/**
 * Adding an agency is one module: a fixture agency defined only under test/ (./fixture-agency.ts), not in the agency
 * list, runs a case of a fixture procedure end to end — the real devserver, SDK workers and client, registries on
 * PGlite — with its registry calls audited under its name and its declared final errors not retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflowCode, DefaultLogger, type Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { listAudit } from '../../db/engine/audit-queries';
import { FIXTURE_MOTHER } from '../../db/seed';
import { getCaseResult, startCase } from '../../workflows/case-client';
import { createAgencyWorker, WORKER_ROLES, type AgencyWorkerOptions } from '../../worker/agency-worker';
import { loadAgencyActivities } from '../../worker/agency-modules';
import { createMemoryAuditSink } from '../../activities/registries/audited';
import { startHarness, type Harness } from '../support/harness';
import { library } from './fixture-agency';
import { addFixtureProcedure, libraryCardV1 } from './fixture-procedure';

const FIXTURE_WORKFLOWS = fileURLToPath(new URL('./fixture-workflows.ts', import.meta.url));

let h: Harness;
const running: { worker: Worker; done: Promise<void> }[] = [];

beforeAll(async () => {
  addFixtureProcedure();
  // No devserver authentication: the fixture's queue is not among the worker credentials' scopes.
  h = await startHarness({ identity: false });
  // The engine's worker again, on a bundle whose catalog holds the fixture procedure.
  await h.stopWorker('engine');
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: FIXTURE_WORKFLOWS, logger: new DefaultLogger('WARN') });
  const common: Omit<AgencyWorkerOptions, 'agency'> = { connection: h.connection, dataConverter: h.dataConverter, namespace: 'default', db: h.registries.db };
  for (const opts of [{ ...common, agency: 'engine' as const, workflowBundle }, { ...common, agency: library }]) {
    const worker = await createAgencyWorker(opts);
    running.push({ worker, done: worker.run() });
  }
});
afterAll(async () => {
  for (const { worker, done } of running) {
    worker.shutdown();
    await done;
  }
  await h?.close();
});

describe('a fixture agency registered from test/', () => {
  it('is one module: its queue derives from its id, its worker registers its own activities only', async () => {
    expect(library.taskQueue).toBe('agency-library');
    expect(WORKER_ROLES).not.toContain('library');
    const activities = await loadAgencyActivities(library, { db: h.registries.db, audit: createMemoryAuditSink() });
    expect(Object.keys(activities)).toEqual(['issueLibraryCard']);
  });

  it('runs a case of a procedure that invokes its service, audited under its name', async () => {
    const caseId = 'library-1';
    await startCase(h.client, { caseId, procedureId: libraryCardV1.id, input: { application: { applicant: { personalId: FIXTURE_MOTHER.personalId } } } });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('completed');
    expect(result.results.card).toEqual({ cardNumber: `TV-${FIXTURE_MOTHER.personalId}`, holderName: FIXTURE_MOTHER.fullName });
    const audit = await listAudit(h.registries.db, { caseId });
    expect(audit.map((a) => [`${a.ctx.agency}:${a.registry}.${a.operation}`, a.kind, a.outcome, a.subjectId, a.fields])).toEqual([
      ['library:population.getPerson', 'read', 'ok', FIXTURE_MOTHER.personalId, ['fullName', 'deceased']],
    ]);
    expect(audit[0].ctx).toMatchObject({ actor: 'system:library.issueLibraryCard', legalBasis: libraryCardV1.services[0].legalBasis, procedureId: 'library-card' });
  });

  it('its declared final error is not retried: the case takes its refusal path after one attempt', async () => {
    const caseId = 'library-unknown';
    const unknown = '001196099999';
    await startCase(h.client, { caseId, procedureId: libraryCardV1.id, input: { application: { applicant: { personalId: unknown } } } });
    const result = await getCaseResult(h.client, caseId);
    expect(result.outcome).toBe('refused');
    expect(result.results.refusals).toEqual([expect.objectContaining({ step: 'issueLibraryCard', code: 'READER_NOT_FOUND' })]);
    const audit = await listAudit(h.registries.db, { caseId });
    expect(audit.map((a) => [a.operation, a.outcome, a.subjectId])).toEqual([['getPerson', 'not_found', unknown]]);
  });
});
